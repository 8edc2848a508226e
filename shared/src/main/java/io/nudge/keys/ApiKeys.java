package io.nudge.keys;

import io.nudge.ids.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Creating and checking API keys. A key is shown once; only its SHA-256 is stored, under an id derived
 * from that hash, so any string (a generated key or NUDGE_API_KEY) can be looked up with one read and
 * compared in constant time.
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeyStore store;
    private final Clock clock;

    public ApiKeys(ApiKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public record Created(ApiKey key, String secret) {}

    public Created create(String name, Scope scope) {
        return create(name, scope, Optional.empty());
    }

    /** @param rateLimit the key's own limit; empty: the default */
    public Created create(String name, Scope scope, Optional<io.nudge.ratelimit.RateLimit> rateLimit) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "nudge_" + Ids.base32(random, 52);
        String hash = Ids.sha256Hex(secret);
        ApiKey key = new ApiKey(idOf(hash), name, scope, hash, clock.instant(), rateLimit);
        store.put(key);
        return new Created(key, secret);
    }

    /** Stores a key whose secret the caller chose (NUDGE_API_KEY, the first-key command); idempotent. */
    public ApiKey register(String secret, String name, Scope scope) {
        String hash = Ids.sha256Hex(secret);
        ApiKey key = new ApiKey(idOf(hash), name, scope, hash, clock.instant());
        store.put(key);
        return key;
    }

    public Optional<ApiKey> authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 512) {
            return Optional.empty();
        }
        String hash = Ids.sha256Hex(secret);
        return store.find(idOf(hash)).filter(key -> MessageDigest.isEqual(
                key.sha256().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII)));
    }

    public List<ApiKey> list() {
        return store.list();
    }

    public boolean revoke(String id) {
        return store.delete(id);
    }

    static String idOf(String sha256Hex) {
        return "key_" + sha256Hex.substring(0, 16);
    }
}
