//! The benchmark report as JSON, written by hand (the crate has no dependencies), in the shape
//! API.md gives for `guild bench`. The pieces are public: `guild-feed`'s report is written
//! with them.

use std::fmt::Write;

use super::{BenchReport, Machine, OpStats};

impl BenchReport {
    /// Every budget met.
    pub fn budgets_met(&self) -> bool {
        self.budgets.iter().all(|b| b.met)
    }

    /// `{"machine":{…},"members":N,"edges":M,"build_s":…,"bytes_per_edge":…,"generate_s":…,
    /// "ops":{"degree":{"p50_us":…,"p99_us":…,"p999_us":…,"count":…},…},
    /// "budgets":{"degree_p99_us":{"limit":…,"value":…,"met":…},…}}` on one line.
    pub fn to_json(&self) -> String {
        let mut o = String::new();
        let _ = write!(
            o,
            "{{\"machine\":{},\"members\":{},\"edges\":{},\"build_s\":{},\"bytes_per_edge\":{},\
             \"generate_s\":{},\"ops\":{{",
            self.machine.to_json(),
            self.members,
            self.edges,
            num(self.build_s),
            num(self.bytes_per_edge),
            num(self.generate_s)
        );
        for (i, (name, s)) in self.ops.iter().enumerate() {
            let _ = write!(o, "{}{}:{}", comma(i), string(name), op_json(s));
        }
        o.push_str("},\"budgets\":{");
        for (i, b) in self.budgets.iter().enumerate() {
            let _ = write!(
                o,
                "{}{}:{{\"limit\":{},\"value\":{},\"met\":{}}}",
                comma(i),
                string(b.name),
                num(b.limit),
                num(b.value),
                b.met
            );
        }
        o.push_str("}}");
        o
    }
}

impl Machine {
    /// `{"cpu":…,"cores":…,"memory_bytes":…,"os":…,"arch":…,"debug_build":…}`
    pub fn to_json(&self) -> String {
        format!(
            "{{\"cpu\":{},\"cores\":{},\"memory_bytes\":{},\"os\":{},\"arch\":{},\"debug_build\":{}}}",
            string(&self.cpu),
            self.cores,
            self.memory_bytes,
            string(self.os),
            string(self.arch),
            self.debug_build
        )
    }
}

/// `{"p50_us":…,"p99_us":…,"p999_us":…,"count":…}`
pub fn op_json(s: &OpStats) -> String {
    format!(
        "{{\"p50_us\":{},\"p99_us\":{},\"p999_us\":{},\"count\":{}}}",
        num(s.p50_us),
        num(s.p99_us),
        num(s.p999_us),
        s.count
    )
}

/// The separator before the `i`-th member of a JSON list or object.
pub fn comma(i: usize) -> &'static str {
    if i == 0 {
        ""
    } else {
        ","
    }
}

/// Three decimals (sub-nanosecond digits of a microsecond figure are noise); `null` for what
/// JSON cannot hold.
pub fn num(x: f64) -> String {
    decimals(x, 3)
}

/// `x` with at most `d` decimals, trailing zeros dropped; `null` when not finite.
pub fn decimals(x: f64, d: usize) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let s = format!("{x:.d$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", u32::from(c));
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(num(100.0), "100");
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(num(0.0001), "0");
        assert_eq!(num(f64::NAN), "null");
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
