package io.nudge.api;

import io.nudge.keys.Scope;
import java.util.List;
import java.util.Map;

/**
 * One route: method, a path pattern ("/v1/users/{userId}/messages"), the scope it needs, and what it does. A last
 * segment written {@code {name+}} takes one or more segments, joined with "/" (the console's deep links and assets).
 * A public route (scope null) answers without a key; every public route is named in {@link NudgeApi#PUBLIC_ROUTES}.
 * A route class builds its routes with {@link #of} and {@link #open} and installs them with {@link NudgeApi#addRoutes}.
 */
record Route(String method, List<String> pattern, Scope scope, Action action) {

    @FunctionalInterface
    interface Action {
        ApiResponse handle(ApiRequest request, Map<String, String> params) throws Exception;
    }

    static Route of(String method, String pattern, Scope scope, Action action) {
        java.util.Objects.requireNonNull(scope, "scope");
        return new Route(method, List.of(pattern.substring(1).split("/")), scope, action);
    }

    /** No key: the route's own check (a signed token) or nothing (health) is its authority. */
    static Route open(String method, String pattern, Action action) {
        return new Route(method, List.of(pattern.substring(1).split("/")), null, action);
    }

    /** The last segment takes the rest of the path. */
    boolean isGreedy() {
        return pattern.get(pattern.size() - 1).endsWith("+}");
    }

    boolean isPublic() {
        return scope == null;
    }

    /** "GET /v1/users/{userId}": how tests and the public list name a route. */
    String key() {
        return method + " /" + String.join("/", pattern);
    }

    /**
     * True when one request could match both routes: the same method, and a path both patterns fit (each segment
     * equal, or a parameter in either). Which one answered would then depend on the order they were installed in.
     */
    boolean clashesWith(Route other) {
        if (!method.equals(other.method)) {
            return false;
        }
        // a greedy tail fits any path at least as long as its pattern; the segments before it must still agree
        boolean sizesFit = isGreedy() ? other.pattern.size() >= pattern.size() || other.isGreedy()
                : other.isGreedy() ? pattern.size() >= other.pattern.size() : pattern.size() == other.pattern.size();
        if (!sizesFit) {
            return false;
        }
        for (int i = 0; i < Math.min(pattern.size(), other.pattern.size()); i++) {
            String mine = pattern.get(i);
            String theirs = other.pattern.get(i);
            if (!mine.equals(theirs) && !mine.startsWith("{") && !theirs.startsWith("{")) {
                return false;
            }
        }
        return true;
    }

    /** Path parameters when {@code segments} fits this route's pattern, else null. */
    Map<String, String> match(List<String> segments) {
        if (isGreedy() ? segments.size() < pattern.size() : segments.size() != pattern.size()) {
            return null;
        }
        Map<String, String> params = new java.util.HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (isGreedy() && i == pattern.size() - 1) {
                params.put(p.substring(1, p.length() - 2), String.join("/", segments.subList(i, segments.size())));
            } else if (p.startsWith("{")) {
                params.put(p.substring(1, p.length() - 1), segments.get(i));
            } else if (!p.equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }
}
