package io.nudge.campaigns;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Deterministic arm assignment. A user's bucket in [0, 10000) is the first 8 bytes of SHA-256(campaign id NUL user id)
 * modulo 10000: the same on every run, every machine, every invocation. Buckets below holdout% × 100 are the holdout;
 * the rest are split over the variants in proportion to their weights.
 */
public final class Arms {
    static final int BUCKETS = 10_000;

    private Arms() {}

    /** @return the variant id, or {@link CampaignDefinition#HOLDOUT} */
    public static String assign(String campaignId, String userId, int holdoutPercent, List<CampaignDefinition.Variant> variants) {
        int bucket = bucket(campaignId, userId);
        int holdoutBuckets = holdoutPercent * (BUCKETS / 100);
        if (bucket < holdoutBuckets) {
            return CampaignDefinition.HOLDOUT;
        }
        long total = variants.stream().mapToLong(CampaignDefinition.Variant::weight).sum();
        // position within the non-holdout range, scaled to the total weight
        long position = (long) (bucket - holdoutBuckets) * total / (BUCKETS - holdoutBuckets);
        long upTo = 0;
        for (CampaignDefinition.Variant variant : variants) {
            upTo += variant.weight();
            if (position < upTo) {
                return variant.id();
            }
        }
        return variants.get(variants.size() - 1).id();
    }

    static int bucket(String campaignId, String userId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((campaignId + "\u0000" + userId).getBytes(StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(ByteBuffer.wrap(hash, 0, 8).getLong(), BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
