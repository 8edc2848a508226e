package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.found;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.saved;

import io.nudge.journey.JourneyService;
import io.nudge.keys.Scope;
import io.nudge.validation.InvalidInputException;
import java.util.List;

/**
 * Journey documents: list the current versions, put (201 for a journey that had no current version, 200 for a new
 * version or the same document again), get the current or {@code ?version=N}, and delete (which ends the journey's
 * running instances, reason journey_deleted); admin keys only.
 */
public final class JourneyRoutes {
    private JourneyRoutes() {}

    /** A DELETE ends this many of the journey's active instances at once; any beyond end when they next move. */
    static final int END_ON_DELETE = 1000;

    public static NudgeApi install(NudgeApi api, JourneyService journeys, io.nudge.journey.JourneyEngine engine) {
        return api.addRoutes(JourneyRoutes.class, List.of(
                Route.of("GET", "/v1/journeys", Scope.ADMIN, (r, p) -> list("journeys", journeys.list())),
                Route.of("PUT", "/v1/journeys/{id}", Scope.ADMIN, (r, p) -> {
                    JourneyService.Saved saved = journeys.put(adminId(p.get("id")), body(r));
                    return saved(saved.created(), saved.document());
                }),
                Route.of("GET", "/v1/journeys/{id}", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    String version = r.query().get("version");
                    return version == null || version.isEmpty()
                            ? found(journeys.get(id), "journey")
                            : found(journeys.get(id, version(version)), "journey version");
                }),
                Route.of("DELETE", "/v1/journeys/{id}", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    boolean existed = journeys.delete(id);
                    if (existed) {
                        engine.endAll(id, END_ON_DELETE); // its instances end now, with reason journey_deleted
                    }
                    return deleted(existed, "journey");
                })));
    }

    private static int version(String text) {
        try {
            int version = Integer.parseInt(text);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidInputException.invalid("version", "version must be a whole number from 1");
    }
}
