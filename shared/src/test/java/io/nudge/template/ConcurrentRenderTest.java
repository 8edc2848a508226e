package io.nudge.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import liqp.Template;
import org.junit.jupiter.api.Test;

/**
 * A compiled template is cached and rendered by every concurrent delivery. liqp's {@code Template} keeps the render's
 * context in a field, so two renders of one template at once could use each other's variables or fail with
 * {@code "registry" is null} (liqp issue #287). Each round parses afresh, as a cold catalog does, and starts every
 * thread's first render of it at the same moment: the window where liqp's per-template state is being set up.
 */
class ConcurrentRenderTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 300;
    private static final String SOURCE = "Hi {{ name }}{% for i in (1..3) %} {{ i | plus: n }}{% endfor %}{% if vip %} VIP{% endif %}";

    @Test
    void many_threads_rendering_one_fresh_template_each_get_their_own_output() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Template template = Liquid.parse(SOURCE, "/body");
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<?>> renders = new ArrayList<>();
                for (int thread = 0; thread < THREADS; thread++) {
                    int n = round * THREADS + thread;
                    renders.add(threads.submit(() -> {
                        start.await();
                        for (int repeat = 0; repeat < 3; repeat++) {
                            String rendered = Liquid.render(template, Map.of("name", "user" + n, "n", n, "vip", n % 2 == 0));
                            assertThat(rendered).isEqualTo("Hi user" + n + " " + (n + 1) + " " + (n + 2) + " " + (n + 3) + (n % 2 == 0 ? " VIP" : ""));
                        }
                        return null;
                    }));
                }
                for (Future<?> render : renders) {
                    render.get();
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
