package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checkpoints are kept at once and written at most once a second, and whenever the poller goes idle. */
class CheckpointsTest {
    @Test
    void a_checkpoint_moved_twice_within_a_second_is_written_once_then_on_flush() throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.empty())) {
            Checkpoints checkpoints = new Checkpoints(local.dynamo(), "nudge-LocalCheckpoints");
            checkpoints.advance("deliver@t/shard-1", "100");
            checkpoints.advance("deliver@t/shard-1", "200");
            checkpoints.advance("evaluate@t/shard-1", "7");

            Checkpoints afterACrash = new Checkpoints(local.dynamo(), "nudge-LocalCheckpoints");
            assertThat(checkpoints.get("deliver@t/shard-1")).contains("200");
            assertThat(afterACrash.get("deliver@t/shard-1")).contains("100");

            checkpoints.flush("deliver@");
            Checkpoints afterFlush = new Checkpoints(local.dynamo(), "nudge-LocalCheckpoints");
            assertThat(afterFlush.get("deliver@t/shard-1")).contains("200");
            assertThat(afterFlush.get("evaluate@t/shard-1")).contains("7");
        }
    }
}
