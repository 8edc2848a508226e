package io.nudge.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * What {@code jfr print --events jdk.ExecutionSample <file>} shows, summarised: of the CPU samples whose stack
 * passes through a given method, the methods on top of the stack (self time) and the methods anywhere on it
 * (total time), as shares of those samples.
 */
public final class JfrSummary {
    public record Line(String method, int samples, double share) {}

    public record Summary(int samples, List<Line> self, List<Line> total) {}

    private JfrSummary() {}

    public static Summary of(Path recording, String through, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.stream().noneMatch(f -> name(f.getMethod()).endsWith("." + through))) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = name(frame.getMethod());
                if (method.endsWith("." + through)) {
                    break;
                }
                if (seen.add(method)) {
                    total.merge(method, 1, Integer::sum);
                }
            }
        }
        return new Summary(samples, lines(self, samples, top), lines(total, samples, top));
    }

    /**
     * Every CPU sample of the recording attributed to a component: the first frame from the top of the stack that
     * {@code classify} names (so JDK collections and I/O count for whoever called them), and by thread group.
     */
    public static Summary components(Path recording, java.util.function.Function<String, String> classify,
            java.util.function.Function<String, String> threadGroup) throws IOException {
        Map<String, Integer> byComponent = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            String component = "JDK only (GC, JIT, idle loops)";
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                RecordedMethod method = frame.getMethod();
                String type = method == null || method.getType() == null ? "" : method.getType().getName();
                String named = classify.apply(type);
                if (named != null) {
                    component = named;
                    break;
                }
            }
            byComponent.merge(component, 1, Integer::sum);
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            byThread.merge(threadGroup.apply(thread == null ? "?" : thread), 1, Integer::sum);
        }
        return new Summary(samples, lines(byComponent, samples, 20), lines(byThread, samples, 20));
    }

    private static List<Line> lines(Map<String, Integer> counts, int samples, int top) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .map(e -> new Line(e.getKey(), e.getValue(), samples == 0 ? 0 : 100.0 * e.getValue() / samples))
                .collect(Collectors.toList());
    }

    private static String name(RecordedMethod method) {
        if (method == null) {
            return "?";
        }
        String type = method.getType() == null ? "?" : method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
    }
}
