package io.nudge.testing;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.SmsSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Senders that record what they were asked to send and answer what the test says. */
public final class RecordingSenders implements EmailSender, SmsSender {
    public final List<EmailMessage> emails = new CopyOnWriteArrayList<>();
    public final List<SmsMessage> sms = new CopyOnWriteArrayList<>();
    private volatile Function<Object, SendOutcome> answer = m -> new SendOutcome.Accepted("provider-" + (count()));

    private int count() {
        return emails.size() + sms.size();
    }

    public void answer(SendOutcome outcome) {
        answer = m -> outcome;
    }

    @Override
    public SendOutcome send(EmailMessage email) {
        emails.add(email);
        return answer.apply(email);
    }

    @Override
    public SendOutcome send(SmsMessage message) {
        sms.add(message);
        return answer.apply(message);
    }
}
