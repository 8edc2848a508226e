package io.nudge.privacy;

import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who erasure or export is about, read before anything is erased: the user id, the profile (if any) and every message
 * of the user — what owners need to find records not keyed by the user id (an address's soft bounces, a message's
 * engagement markers).
 */
public record Person(String userId, Optional<UserProfile> profile, List<Message> messages) {
    public Person {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(profile, "profile");
        messages = List.copyOf(messages);
    }

    /** The profile's email, then every email address a message went to. */
    public Set<String> emails() {
        return addresses(Channel.EMAIL);
    }

    /** The profile's phone, then every number an SMS went to. */
    public Set<String> phones() {
        return addresses(Channel.SMS);
    }

    private Set<String> addresses(Channel channel) {
        Set<String> addresses = new LinkedHashSet<>();
        profile.flatMap(p -> channel == Channel.EMAIL ? p.email() : p.phone()).ifPresent(addresses::add);
        messages.stream().filter(m -> m.channel() == channel).forEach(m -> m.to().ifPresent(addresses::add));
        return addresses;
    }

    /** What may appear in a provider's words: the profile's addresses and every address a message went to. */
    public Set<String> addresses() {
        Set<String> personal = new LinkedHashSet<>();
        profile.ifPresent(p -> {
            p.email().ifPresent(personal::add);
            p.phone().ifPresent(personal::add);
        });
        // a webhook's to is a host many users share: not personal, and matching it would touch other users' records
        messages.stream().filter(m -> m.channel().reachesAPerson()).forEach(m -> m.to().ifPresent(personal::add));
        return personal;
    }
}
