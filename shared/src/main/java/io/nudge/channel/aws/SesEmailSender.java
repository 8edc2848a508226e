package io.nudge.channel.aws;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.SendOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Sends through SES v2 {@code SendEmail}. The configuration set routes SES events (bounce, complaint, delivery,
 * open, click) to the feedback topic; the tags carry our ids into those events, so feedback needs no lookup table.
 */
public final class SesEmailSender implements EmailSender {
    public static final String MESSAGE_ID_TAG = "nudge_message_id";
    public static final String TRIGGER_ID_TAG = "nudge_trigger_id";
    static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
    // RFC 8058: the mailbox provider POSTs this body to the URL, so one click unsubscribes without a landing page.
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    static final String CHARSET = "UTF-8";
    private static final String PROVIDER = "SES";
    private static final int MAX_TAG_VALUE_LENGTH = 256;

    private final SesV2Client ses;
    private final String configurationSetName;

    /**
     * @param configurationSetName required: without it SES publishes no bounces or complaints, and Nudge would keep
     *     mailing addresses that bounce
     */
    public SesEmailSender(SesV2Client ses, String configurationSetName) {
        this.ses = Objects.requireNonNull(ses, "ses");
        Objects.requireNonNull(configurationSetName, "configurationSetName");
        if (configurationSetName.isBlank()) {
            throw new IllegalArgumentException("configurationSetName is blank");
        }
        this.configurationSetName = configurationSetName;
    }

    @Override
    public SendOutcome send(EmailMessage email) {
        Objects.requireNonNull(email, "email");
        SendEmailRequest request = request(email);
        try {
            SendEmailResponse response = ses.sendEmail(request);
            String providerId = response.messageId();
            if (providerId == null || providerId.isBlank()) {
                return new SendOutcome.Unknown("SES answered without a message id");
            }
            return new SendOutcome.Accepted(providerId);
        } catch (MessageRejectedException | MailFromDomainNotVerifiedException | AccountSuspendedException
                | SendingPausedException | BadRequestException | NotFoundException e) {
            String words = ProviderFailures.providerWords(e, email.to());
            return new SendOutcome.Rejected(rejection(e, words), words);
        } catch (TooManyRequestsException e) {
            // The SDK has already retried with backoff; the caller defers the message.
            return new SendOutcome.Throttled("SES throttled the request: " + ProviderFailures.providerWords(e, email.to()));
        } catch (LimitExceededException e) {
            // The sending quota: it frees up with time, so defer, never fail.
            return new SendOutcome.Throttled("SES sending limit reached: " + ProviderFailures.providerWords(e, email.to()));
        } catch (SdkException e) {
            return ProviderFailures.classify(PROVIDER, e, email.to(), SesEmailSender::rejection);
        }
    }

    /**
     * SES's refusals, by error code first, then by its documented words: {@code MessageRejected} "Email address is on
     * the suppression list" (the account-level list), {@code BadRequest} about the address ("Illegal address", "Missing
     * final '@domain'"). A {@code NotFound} is our
     * configuration (a configuration set or identity that does not exist), never the recipient's.
     */
    static SendOutcome.Rejection rejection(SdkServiceException refusal, String words) {
        String lower = words.toLowerCase(Locale.ROOT);
        if (ProviderFailures.hasCode(refusal, MessageRejectedException.class, "MessageRejected") && lower.contains("suppression list")) {
            return SendOutcome.Rejection.SUPPRESSED_BY_PROVIDER;
        }
        if (ProviderFailures.hasCode(refusal, BadRequestException.class, "BadRequestException")
                && (lower.contains("illegal address") || lower.contains("missing final '@domain'"))) {
            return SendOutcome.Rejection.INVALID_ADDRESS;
        }
        return SendOutcome.Rejection.OTHER;
    }

    private SendEmailRequest request(EmailMessage email) {
        Body.Builder body = Body.builder();
        email.html().ifPresent(html -> body.html(utf8(html)));
        email.text().ifPresent(text -> body.text(utf8(text)));
        Message.Builder simple = Message.builder().subject(utf8(email.subject())).body(body.build());
        email.unsubscribeUrl().ifPresent(url -> simple.headers(
                MessageHeader.builder().name(LIST_UNSUBSCRIBE).value("<" + url + ">").build(),
                MessageHeader.builder().name(LIST_UNSUBSCRIBE_POST).value(ONE_CLICK).build()));
        return SendEmailRequest.builder()
                .fromEmailAddress(email.from())
                .destination(Destination.builder().toAddresses(email.to()).build())
                .content(EmailContent.builder().simple(simple.build()).build())
                .configurationSetName(configurationSetName)
                .emailTags(tags(email))
                .build();
    }

    private static List<MessageTag> tags(EmailMessage email) {
        List<MessageTag> tags = new ArrayList<>(2);
        tags.add(MessageTag.builder().name(MESSAGE_ID_TAG).value(tagValue(email.messageId())).build());
        tags.add(MessageTag.builder().name(TRIGGER_ID_TAG).value(tagValue(email.triggerId())).build());
        return tags;
    }

    /**
     * SES rejects the whole email when a tag value leaves [A-Za-z0-9_\-.@] or 256 characters. Our ids never do;
     * this keeps a future id format from turning every send into a rejection.
     */
    static String tagValue(String value) {
        String safe = value.replaceAll("[^A-Za-z0-9_\\-.@]", "_");
        if (safe.isEmpty()) {
            return "_";
        }
        return safe.length() <= MAX_TAG_VALUE_LENGTH ? safe : safe.substring(0, MAX_TAG_VALUE_LENGTH);
    }

    private static Content utf8(String data) {
        return Content.builder().data(data).charset(CHARSET).build();
    }
}
