package io.nudge.bench.jmh;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.json.Json;
import io.nudge.model.UserProfile;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Rendered;
import io.nudge.template.Renderer;
import io.nudge.template.TemplateParser;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rendering as deliver does it (Renderer.render: variables converted to Liquid's maps, then each part rendered) with
 * the parsed template cached, as TemplateCatalog keeps it: a typical order-shipped email (subject, ~2 KB of HTML with
 * a loop over the items and a few filters, a text part) and a typical SMS.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TemplateRenderingBenchmark {
    static final String EMAIL_HTML = """
            <!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#222">
            <table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
            <table width="600" cellpadding="16" cellspacing="0" style="border:1px solid #eee">
            <tr><td><h1 style="font-size:22px">Good news, {{ user.attributes.first_name | default: "there" }}!</h1>
            <p>Your order <strong>{{ event.properties.orderId }}</strong> left our warehouse
            {% if event.properties.carrier %}with {{ event.properties.carrier | upcase }}{% endif %}.</p>
            <table width="100%" cellpadding="6" cellspacing="0" style="border-collapse:collapse">
            <tr style="background:#fafafa"><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th></tr>
            {% for item in event.properties.lines %}<tr><td>{{ item.name | escape }}</td><td align="right">{{ item.qty }}</td>
            <td align="right">{{ item.price | times: item.qty | round: 2 }} {{ event.properties.currency }}</td></tr>{% endfor %}
            <tr><td colspan="2" align="right"><strong>Total</strong></td>
            <td align="right"><strong>{{ event.properties.total }} {{ event.properties.currency }}</strong></td></tr>
            </table>
            <p><a href="{{ event.properties.trackingUrl }}" style="background:#0a7cff;color:#fff;padding:10px 16px;
            text-decoration:none;border-radius:4px">Track your parcel</a></p>
            {% if user.attributes.tier == "gold" %}<p>As a gold member, your next delivery is free.</p>{% endif %}
            <p style="font-size:12px;color:#888">You get this email because you ordered at Acme.
            <a href="{{ unsubscribe_url }}">Unsubscribe</a> · Message {{ message.id }}</p>
            </td></tr></table></td></tr></table></body></html>""";
    static final String EMAIL_TEXT = """
            Good news, {{ user.attributes.first_name | default: "there" }}!
            Your order {{ event.properties.orderId }} left our warehouse.
            {% for item in event.properties.lines %}- {{ item.qty }} x {{ item.name }}
            {% endfor %}Total: {{ event.properties.total }} {{ event.properties.currency }}
            Track it: {{ event.properties.trackingUrl }}
            Unsubscribe: {{ unsubscribe_url }}""";
    static final String SMS_BODY = "Acme: {{ user.attributes.first_name | default: \"Hi\" }}, your order {{ event.properties.orderId }}"
            + " is on its way. Track it: {{ event.properties.trackingUrl }}";

    CompiledTemplate email;
    CompiledTemplate sms;
    ObjectNode variables;
    String locale;

    @Setup
    public void setUp() {
        ObjectNode emailDoc = Json.object().put("channel", "email")
                .put("subject", "{{ user.attributes.first_name | default: \"Hi\" }}, order {{ event.properties.orderId }} has shipped")
                .put("html", EMAIL_HTML).put("text", EMAIL_TEXT);
        email = TemplateParser.parse("order_shipped_email", emailDoc);
        sms = TemplateParser.parse("order_shipped_sms", Json.object().put("channel", "sms").put("body", SMS_BODY));
        UserProfile user = Workload.user(new SplittableRandom(5), "user-42");
        locale = user.locale().orElse(null);
        variables = variables(user);
    }

    /** {user, event, message, unsubscribe_url}, as DeliverService builds them. */
    static ObjectNode variables(UserProfile user) {
        ObjectNode vars = Json.object();
        vars.set("user", EvaluationContext.user(user));
        ObjectNode event = vars.putObject("event");
        event.put("id", "evt-1").put("name", "order_shipped").put("userId", user.userId()).put("timestamp", "2026-11-24T10:00:00.000Z");
        ObjectNode props = event.putObject("properties");
        props.put("orderId", "A-100234").put("carrier", "dhl").put("currency", "EUR").put("total", 131.7)
                .put("trackingUrl", "https://track.example/A-100234");
        ArrayNode lines = props.putArray("lines");
        lines.addObject().put("name", "Espresso cups <set of 4>").put("qty", 1).put("price", 39.9);
        lines.addObject().put("name", "Coffee beans 1 kg").put("qty", 2).put("price", 27.5);
        lines.addObject().put("name", "Milk frother").put("qty", 1).put("price", 36.8);
        vars.putObject("message").put("id", "m3k2j4h5g6f7d8s9a0q1w2e3r4").put("channel", "email");
        vars.put("unsubscribe_url", "https://nudge.example/u/eyJ1IjoidXNlci00MiJ9.c2lnbmF0dXJl");
        return vars;
    }

    @Benchmark
    public Rendered renderEmail() {
        return Renderer.render(email, locale, variables);
    }

    @Benchmark
    public Rendered renderSms() {
        return Renderer.render(sms, locale, variables);
    }
}
