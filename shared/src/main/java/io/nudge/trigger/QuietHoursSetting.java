package io.nudge.trigger;

import io.nudge.guards.QuietHours;

/** A trigger's quiet hours: the global default, none at all, or its own window. Transactional messages ignore them. */
public sealed interface QuietHoursSetting {
    record Default() implements QuietHoursSetting {}

    record Off() implements QuietHoursSetting {}

    record Window(QuietHours hours) implements QuietHoursSetting {}
}
