package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.saved;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.keys.Scope;
import io.nudge.store.DefinitionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Templates and triggers, the two kinds of document {@link DefinitionService} keeps: list, put (201 when new), get and
 * delete each, admin keys only.
 */
public final class DefinitionRoutes {
    private DefinitionRoutes() {}

    public static NudgeApi install(NudgeApi api, DefinitionService definitions) {
        List<Route> routes = new ArrayList<>();
        routes.addAll(kind(definitions, DefinitionStore.TEMPLATE, "templates", definitions::putTemplate, definitions::deleteTemplate));
        routes.addAll(kind(definitions, DefinitionStore.TRIGGER, "triggers", definitions::putTrigger, definitions::deleteTrigger));
        return api.addRoutes(DefinitionRoutes.class, routes);
    }

    private static List<Route> kind(DefinitionService definitions, String kind, String plural,
            BiFunction<String, JsonNode, DefinitionService.Saved> put, Predicate<String> delete) {
        String one = "/v1/" + plural + "/{id}";
        return List.of(
                Route.of("GET", "/v1/" + plural, Scope.ADMIN, (r, p) -> list(plural, definitions.list(kind))),
                Route.of("PUT", one, Scope.ADMIN, (r, p) -> {
                    DefinitionService.Saved saved = put.apply(adminId(p.get("id")), body(r));
                    return saved(saved.created(), saved.document());
                }),
                Route.of("GET", one, Scope.ADMIN, (r, p) -> definitions.get(kind, adminId(p.get("id")))
                        .map(doc -> ApiResponse.json(200, doc))
                        .orElseGet(() -> notFound("no " + kind + " " + p.get("id")))),
                Route.of("DELETE", one, Scope.ADMIN, (r, p) -> deleted(delete.test(adminId(p.get("id"))), kind)));
    }
}
