//! [`render`]: an [`OpsReport`] in Prometheus's text exposition format (version 0.0.4).
//!
//! Written by hand rather than through the `prometheus-client` crate: that crate writes
//! OpenMetrics, where a counter's `# HELP`/`# TYPE` name lacks the `_total` its samples
//! carry, and `promtool check metrics` (the classic format) then reads the samples as a
//! family with no help text and fails (checked with promtool 2.42). And most of these
//! numbers are read from core at scrape time, so a registry of live instruments would only
//! copy them.
//! The format is a few lines per metric: `# HELP`, `# TYPE`, then samples.

use std::fmt::Write as _;

use guild_core::ops::histogram::HistogramSnapshot;
use guild_core::ops::store::OutboxDepth;
use guild_core::ops::OpsReport;

/// Every metric Guild exposes; `docs/OPERATIONS.md` says what each means and when to worry.
pub fn render(r: &OpsReport) -> String {
    let mut o = Out(String::with_capacity(16 * 1024));

    o.family(
        "guild_build_info",
        "gauge",
        "Always 1; the version of Guild serving.",
    );
    o.sample("guild_build_info", &[("version", r.version)], 1);
    o.family(
        "guild_process_start_time_seconds",
        "gauge",
        "When this process started, in seconds since the Unix epoch.",
    );
    o.sample(
        "guild_process_start_time_seconds",
        &[],
        r.started_ms as f64 / 1000.0,
    );
    o.family(
        "guild_uptime_seconds",
        "gauge",
        "Seconds since this process started.",
    );
    o.sample("guild_uptime_seconds", &[], r.uptime.as_secs_f64());

    if let Some(bytes) = r.resident_bytes {
        o.family(
            "guild_process_resident_memory_bytes",
            "gauge",
            "Memory the process holds in RAM (resident set size).",
        );
        o.sample("guild_process_resident_memory_bytes", &[], bytes);
    }

    requests(&mut o, r);
    database(&mut o, r);

    o.family(
        "guild_graph_nodes",
        "gauge",
        "Member slots of the in-memory connection graph (the highest member id + 1).",
    );
    o.sample("guild_graph_nodes", &[], r.graph_nodes);
    o.family(
        "guild_graph_connections",
        "gauge",
        "Connections in the in-memory graph, each pair once.",
    );
    o.sample("guild_graph_connections", &[], r.graph_connections);
    o.family(
        "guild_feed_index_posts",
        "gauge",
        "Posts in the in-memory feed index.",
    );
    o.sample("guild_feed_index_posts", &[], r.feed_posts);
    stream(&mut o, r);

    o.family(
        "guild_live_streams_open",
        "gauge",
        "Live event streams (/api/v1/events) open now.",
    );
    o.sample("guild_live_streams_open", &[], r.live_streams_open);
    o.family(
        "guild_live_streams_opened_total",
        "counter",
        "Live event streams opened since the process started.",
    );
    o.sample(
        "guild_live_streams_opened_total",
        &[],
        r.live_streams_opened,
    );

    outbox(&mut o, r);
    o.0
}

fn requests(o: &mut Out, r: &OpsReport) {
    o.family(
        "guild_http_requests_total",
        "counter",
        "HTTP requests answered, by route template, method and status.",
    );
    for s in &r.requests {
        let status = s.status.to_string();
        let labels = [
            ("route", s.route.as_str()),
            ("method", s.method),
            ("status", status.as_str()),
        ];
        o.sample("guild_http_requests_total", &labels, s.durations.count);
    }
    // The latency histogram leaves the status out: a series per status would multiply the
    // buckets for little (the counter above has the statuses).
    o.family(
        "guild_http_request_duration_seconds",
        "histogram",
        "Time to answer an HTTP request (to the first byte of a live stream), by route template and method.",
    );
    let mut i = 0;
    while i < r.requests.len() {
        let first = &r.requests[i];
        let mut merged = HistogramSnapshot::default();
        while let Some(s) = r
            .requests
            .get(i)
            .filter(|s| s.route == first.route && s.method == first.method)
        {
            merged.merge(&s.durations);
            i += 1;
        }
        let labels = [("route", first.route.as_str()), ("method", first.method)];
        o.histogram("guild_http_request_duration_seconds", &labels, &merged);
    }
}

/// The change stream feeds every index above through one follower, so it has one lag.
fn stream(o: &mut Out, r: &OpsReport) {
    let st = &r.stream;
    o.family(
        "guild_change_stream_caught_up",
        "gauge",
        "1 once this node has read the change stream to its end; 0 at start, while the database is away, or while reloading.",
    );
    o.sample(
        "guild_change_stream_caught_up",
        &[],
        i64::from(st.caught_up),
    );
    o.family(
        "guild_change_stream_lag_seconds",
        "gauge",
        "Age, when read, of the newest change this node last read: how late other nodes' changes reach its indexes.",
    );
    o.sample(
        "guild_change_stream_lag_seconds",
        &[],
        st.lag_ms as f64 / 1000.0,
    );
    let counters = [
        (
            "guild_change_stream_changes_read_total",
            "Changes this node read from the stream (its own and other nodes').",
            st.read,
        ),
        (
            "guild_change_stream_changes_applied_total",
            "Other nodes' changes this node applied to its indexes.",
            st.applied,
        ),
        (
            "guild_change_stream_reloads_total",
            "Full reloads of the indexes after falling behind the stream's pruning.",
            st.reloads,
        ),
    ];
    for (name, help, value) in counters {
        o.family(name, "counter", help);
        o.sample(name, &[], value);
    }
}

fn database(o: &mut Out, r: &OpsReport) {
    let backend = [("backend", r.pool.backend)];
    o.family(
        "guild_db_pool_connections_in_use",
        "gauge",
        "Database connections lent to a statement or transaction now.",
    );
    o.sample("guild_db_pool_connections_in_use", &backend, r.pool.in_use);
    o.family(
        "guild_db_pool_connections_idle",
        "gauge",
        "Database connections open and waiting in the pool.",
    );
    o.sample("guild_db_pool_connections_idle", &backend, r.pool.idle);
    o.family(
        "guild_db_pool_connections_max",
        "gauge",
        "The most database connections the pool opens.",
    );
    o.sample("guild_db_pool_connections_max", &backend, r.pool.max);
    o.family(
        "guild_db_query_duration_seconds",
        "histogram",
        "Time a statement took, waiting for a pooled connection included (statements inside transactions are not counted).",
    );
    o.histogram("guild_db_query_duration_seconds", &backend, &r.query_times);
}

/// Reads one of an [`OutboxDepth`]'s counts.
type Depth = fn(&OutboxDepth) -> i64;

fn outbox(o: &mut Out, r: &OpsReport) {
    // Read from the database: left out when it did not answer, rather than shown as 0.
    if let Some(depth) = &r.outbox {
        let gauges: [(&str, &str, Depth); 4] = [
            ("guild_outbox_jobs_pending", "Background jobs not done yet (queued, waiting to retry, or running), all nodes.", |d| d.pending),
            ("guild_outbox_jobs_due", "Background jobs not done and due now, all nodes.", |d| d.due),
            ("guild_outbox_jobs_retrying", "Background jobs not done after at least one failed attempt, all nodes.", |d| d.retrying),
            ("guild_outbox_jobs_abandoned", "Background jobs given up after their last attempt, among those kept (a week), all nodes.", |d| d.abandoned),
        ];
        for (name, help, value) in gauges {
            o.family(name, "gauge", help);
            for d in depth {
                o.sample(name, &[("kind", d.kind.as_str())], value(d));
            }
        }
    }
    o.family(
        "guild_outbox_job_failures_total",
        "counter",
        "Attempts at a background job that failed on this node (each is retried later, or given up).",
    );
    o.sample(
        "guild_outbox_job_failures_total",
        &[],
        r.job_attempts_failed,
    );
    o.family(
        "guild_outbox_jobs_given_up_total",
        "counter",
        "Background jobs this node gave up after their last attempt.",
    );
    o.sample("guild_outbox_jobs_given_up_total", &[], r.jobs_given_up);
    o.family(
        "guild_emails_sent_total",
        "counter",
        "Emails handed to the mail server (or the outbox directory).",
    );
    o.sample("guild_emails_sent_total", &[], r.emails_sent);
    o.family(
        "guild_emails_failed_total",
        "counter",
        "Emails the mail server refused or could not be reached for.",
    );
    o.sample("guild_emails_failed_total", &[], r.emails_failed);
}

/// The text being written.
struct Out(String);

impl Out {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Into<Value>) {
        self.0.push_str(name);
        write_labels(&mut self.0, labels, None);
        let _ = writeln!(self.0, " {}", value.into().0);
    }

    /// `_bucket` per bound (cumulative) and `+Inf`, then `_sum` and `_count`.
    fn histogram(&mut self, name: &str, labels: &[(&str, &str)], h: &HistogramSnapshot) {
        for &(bound, count) in &h.buckets {
            let _ = write!(self.0, "{name}_bucket");
            write_labels(&mut self.0, labels, Some(&bound.to_string()));
            let _ = writeln!(self.0, " {count}");
        }
        let _ = write!(self.0, "{name}_bucket");
        write_labels(&mut self.0, labels, Some("+Inf"));
        let _ = writeln!(self.0, " {}", h.count);
        self.sample(&format!("{name}_sum"), labels, h.sum_seconds);
        self.sample(&format!("{name}_count"), labels, h.count);
    }
}

/// `{a="x",b="y"}` with values escaped as the format asks (`\\`, `\"`, `\n`), `le` last.
fn write_labels(out: &mut String, labels: &[(&str, &str)], le: Option<&str>) {
    if labels.is_empty() && le.is_none() {
        return;
    }
    out.push('{');
    let all = labels.iter().copied().chain(le.map(|v| ("le", v)));
    for (i, (k, v)) in all.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let v = v
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        let _ = write!(out, "{k}=\"{v}\"");
    }
    out.push('}');
}

/// A sample's value as text: integers as integers, fractions as Rust writes an `f64`.
struct Value(String);

macro_rules! value_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value(v.to_string())
            }
        }
    )*};
}
value_from!(u64, i64, f64, i32);
