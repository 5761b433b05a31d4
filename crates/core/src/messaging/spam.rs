//! "The same or nearly the same text": what the spam rule compares.
//!
//! Texts are folded (letter case, punctuation, numbers and @handles do not matter — a
//! mass mailing that changes the greeting's name or a figure is still one text) and
//! compared by their word pairs: two texts are near when their pairs overlap by 70 % or
//! more (Jaccard), or when one has fewer than three words and they fold the same.

use std::collections::HashSet;

/// Overlap of word pairs from which two texts count as the same.
const NEAR: f64 = 0.7;

/// The folded words of a text.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !w.starts_with('@'))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .map(|c| if c.is_numeric() { '0' } else { c })
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A text ready for comparison.
pub(crate) struct Shape {
    words: Vec<String>,
    pairs: HashSet<(String, String)>,
}

pub(crate) fn shape(text: &str) -> Shape {
    let words = words(text);
    let pairs = words
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect();
    Shape { words, pairs }
}

/// Whether two texts count as the same message.
pub(crate) fn near(a: &Shape, b: &Shape) -> bool {
    if a.words.len() < 3 || b.words.len() < 3 {
        return a.words == b.words;
    }
    let shared = a.pairs.intersection(&b.pairs).count();
    let all = a.pairs.len() + b.pairs.len() - shared;
    all > 0 && shared as f64 / all as f64 >= NEAR
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        near(&shape(a), &shape(b))
    }

    #[test]
    fn names_numbers_and_case_do_not_make_a_new_text() {
        let pitch = "Hi @ann, our platform grows revenue by 30% in 90 days. Book a demo at example.com today!";
        assert!(same(
            pitch,
            "hi @bob, our platform grows revenue by 45% in 60 days. book a demo at example.com today"
        ));
        assert!(same(pitch, &pitch.replace("today!", "this week!")));
    }

    #[test]
    fn different_texts_are_different() {
        assert!(!same(
            "Hi Ann, great talk yesterday about the Rust meetup, can I ask about your slides?",
            "Our platform grows revenue by 30% in 90 days. Book a demo at example.com today!"
        ));
        assert!(!same("hello", "thanks"));
        assert!(same("Hello!", "hello"));
    }
}
