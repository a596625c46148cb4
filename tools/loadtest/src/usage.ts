/** What `rooms-loadtest --help` prints: every command, option and default, and the exit codes. */
export const USAGE = `rooms-loadtest: load-test a Rooms room with real browsers and bots.

Usage:
  rooms-loadtest <invite link> [options] [thresholds]   run a load test against the room
  rooms-loadtest agent [--listen 127.0.0.1:4000] [--token <secret>]
                                                        serve this machine's Chromium to a coordinator
  rooms-loadtest merge <report.json>... [--out dir] [--force] [thresholds]
                                                        merge shards' reports and judge them again
                                                        (--force: even reports of different runs)
  rooms-loadtest --help                                 this text

Run options (defaults in brackets):
  --participants N     browser participants [4]
  --per-browser N      participants per Chromium process [2]
  --ramp R             joins per second, browsers and bots together [1]
  --duration S         seconds to measure, from when the last participant joined [60]
  --camera F           fraction of participants with their camera on [1]
  --microphone F       fraction with their microphone on [0.2]
  --layout L           grid or speaker [grid]
  --bots N             synthetic participants through the owner app's ingest API [0]
  --network PROFILES   the networks participants run on, in order: 3g, 4g, lossy-wifi, or figures
                       (rtt=150ms,loss=2%,down=1.5mbit,up=1mbit), each with the share it takes
                       ('3g@25%;lossy-wifi@25%'; the last may take the rest); browsers through
                       Chromium's emulation, bots through their own sockets [the machine's own]
  --churn R            during the steady phase, participants leave and rejoin at R leaves a minute
                       (6/min, 0.1/s); the report has each leave, rejoin and recovery [none]
  --rooms N            make N rooms of the app (--app...) and spread everyone over them, round-robin;
                       the link then only names the server; the rooms are ended after the run [the link's room]
  --app ID --app-secret S --app-user U
                       the room owner's app credentials, needed for bots
                       [ROOMS_LOADTEST_APP, ROOMS_LOADTEST_APP_SECRET, ROOMS_LOADTEST_APP_USER]
  --browsers LIST      agents' endpoints, comma-separated (ws://host:port/<secret>);
                       without it, Chromium is started on this machine
  --shard i/n          run the i-th of n shards of the participants [1/1]
  --join-timeout D     how long one join may take [30s]
  --metrics-token T    the server's /metrics token [ROOMS_METRICS_TOKEN]
  --out DIR            where report.json and report.html go [loadtest-results]
  --run-id ID          one id for the shards of one run, so merge knows them [a fresh one]

Agent options:
  --listen HOST:PORT   where to listen; beyond 127.0.0.1 prints a warning [127.0.0.1:4000]
  --token SECRET       the endpoint's secret, at least 128 random bits; made fresh when not given
                       [ROOMS_LOADTEST_AGENT_TOKEN]
  --max-browsers N     Chromium processes at once: each coordinator connection gets its own, so
                       --per-browser holds on agents too; more connections are refused [16]

Verdicts that always apply (each failure exits 1):
  every participant joined (at most --max-failed-joins N did not [0]), and somebody did;
  every participant was still in the room at the end;
  the server answered every scrape of /metrics.

Thresholds (each becomes a pass or a fail; a figure never measured fails; browsers and bots are judged apart):
  --min-fps N              median tile frame rate at least N (browsers)
  --min-fps-p5 N           worst 5 % of tile frame rates at least N (browsers)
  --max-freeze-ratio F     share of tile time frozen at most F: 1% or 0.01 (browsers)
  --max-join-p95 D         95th percentile join time at most D, with its unit: 3s, 500ms
  --max-first-frame-p95 D  95th percentile time to first frame at most D (browsers)
  --max-loss F             median packet loss at most F: 2% or 0.02
  --max-rtt-p95 D          95th percentile round-trip time at most D
  --max-server-cpu P       the server's workers' peak CPU at most P % of one core
Percentiles are by nearest rank, rounded up; each verdict names how many values it was taken over.

The load machine: its CPU and the tool's event loop delay are sampled every second. When the CPU is at
90 % or more for over a fifth of the steady phase, the run is inconclusive: the load machine, not the
server, limited it, and no threshold counts against the server.

Ctrl-C (or SIGTERM) finishes the run early and still writes the report; a second one quits at once.

Exit codes: 0 the run passed, 1 a verdict failed, 2 the run could not be made (bad options, no server,
a link to no room), 3 inconclusive (the load machine was saturated).`;
