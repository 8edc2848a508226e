package io.nudge.testing;

import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.scheduling.Scheduler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Scheduler port that records every call and, like EventBridge, answers AlreadyExists for a known name. */
public final class RecordingScheduler implements Scheduler {
    public final List<ScheduleRequest> createCalls = new CopyOnWriteArrayList<>();
    public final Map<String, ScheduleRequest> schedules = new ConcurrentHashMap<>();

    @Override
    public ScheduleResult create(ScheduleRequest request) {
        createCalls.add(request);
        return schedules.putIfAbsent(request.name(), request) == null ? new ScheduleResult.Created() : new ScheduleResult.AlreadyExists();
    }

    @Override
    public void upsert(ScheduleRequest request) {
        schedules.put(request.name(), request);
    }

    @Override
    public void delete(String name) {
        schedules.remove(name);
    }
}
