//! Writing a generated network out: the edge list as CSV, for `guild export graph`.

use std::io::{self, BufWriter, Write};

use crate::gen::Network;
use crate::Node;

/// One `a,b` line per connection (`a < b`, sorted), each once. Buffers internally, so `out`
/// can be a plain `File`; flushes before returning.
pub fn write_edges_csv(network: &Network, out: impl Write) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let mut line = [0u8; 24];
    for &(a, b) in &network.edges {
        let mut len = put(&mut line, 0, a);
        line[len] = b',';
        len = put(&mut line, len + 1, b);
        line[len] = b'\n';
        w.write_all(&line[..=len])?;
    }
    w.flush()
}

/// Writes `n` in decimal at `buf[at..]`; returns the index after it.
fn put(buf: &mut [u8; 24], at: usize, n: Node) -> usize {
    let mut digits = [0u8; 10];
    let (mut n, mut i) = (n, digits.len());
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    buf[at..at + len].copy_from_slice(&digits[i..]);
    at + len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::generate;

    #[test]
    fn one_pair_per_line() {
        let net = Network {
            members: 5_000_000,
            edges: vec![(0, 1), (7, 4_294_967_295), (10, 1_000_000)],
            profiles: Vec::new(),
        };
        let mut out = Vec::new();
        write_edges_csv(&net, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0,1\n7,4294967295\n10,1000000\n"
        );
    }

    #[test]
    fn round_trips_the_generated_network() {
        let net = generate(2_000, 10, 3);
        let mut out = Vec::new();
        write_edges_csv(&net, &mut out).unwrap();
        let parsed: Vec<(Node, Node)> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let (a, b) = l.split_once(',').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect();
        assert_eq!(parsed, net.edges);
    }
}
