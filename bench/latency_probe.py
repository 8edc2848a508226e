#!/usr/bin/env python3
"""Quick latency probe against a running local Nudge (./nudge): POST /v1/events → SENT, and delayed-message lateness.

Server timestamps only (event receivedAt, message history), so client overhead does not count.
usage: NUDGE_API_KEY=... python3 bench/latency_probe.py [--base http://127.0.0.1:3000] [--events 300] [--delayed 200]
"""
import argparse, json, os, statistics, time, urllib.request, uuid
from datetime import datetime

def call(base, key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None

def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:3000")
    ap.add_argument("--events", type=int, default=300)
    ap.add_argument("--delayed", type=int, default=200)
    args = ap.parse_args()
    key = os.environ["NUDGE_API_KEY"]
    run = uuid.uuid4().hex[:8]
    call(args.base, key, "PUT", "/v1/templates/probe", {"channel": "email", "subject": "Hi {{ user.attributes.n }}", "text": "probe"})
    call(args.base, key, "PUT", "/v1/triggers/probe_now", {"event": "probe_now", "channel": "email", "template": "probe"})
    call(args.base, key, "PUT", "/v1/triggers/probe_later", {"event": "probe_later", "channel": "email", "template": "probe", "delay": "PT3S"})
    users = []
    for i in range(max(args.events, args.delayed)):
        user = f"probe-{run}-{i}"
        call(args.base, key, "PUT", "/v1/users/" + user, {"email": f"probe{i}@example.com", "attributes": {"n": i}})
        users.append(user)
    for name, count in (("probe_now", args.events), ("probe_later", args.delayed)):
        for i in range(count):
            call(args.base, key, "POST", "/v1/events", {"id": f"{name}-{run}-{i}", "userId": users[i], "name": name})
            time.sleep(0.01)
    time.sleep(6)
    for name, count, delay in (("probe_now", args.events, 0.0), ("probe_later", args.delayed, 3.0)):
        lat = []
        missing = 0
        for i in range(count):
            event = call(args.base, key, "GET", f"/v1/events/{name}-{run}-{i}")
            messages = [m for m in call(args.base, key, "GET", f"/v1/users/{users[i]}/messages")["messages"] if m["triggerId"] == name]
            sent = [h for m in messages for h in m["history"] if h["status"] == "SENT"]
            if len(sent) != 1:
                missing += 1
                print("  not sent once:", users[i], [(m["id"], m["status"], m.get("reason"), [(h["status"], h["at"]) for h in m["history"]]) for m in messages])
                continue
            lat.append((ts(sent[0]["at"]) - ts(event["receivedAt"]) - delay) * 1000)
        label = "accepted → SENT" if delay == 0 else "lateness after due time"
        print(f"{name}: {len(lat)} sent once, {missing} not; {label}: median {statistics.median(lat):.0f} ms, "
              f"p95 {pct(lat, 95):.0f} ms, p99 {pct(lat, 99):.0f} ms, max {max(lat):.0f} ms")

if __name__ == "__main__":
    main()
