//! The two themes' colours, computed from the stylesheet itself: every pair of text and
//! background the pages use meets WCAG 2.2 AA (4.5:1 for text, 3:1 for a form field's
//! border), in the light theme and in the dark one; and no rule outside the palette names a
//! colour of its own (which would escape the dark theme).

use std::collections::HashMap;

const CSS: &str = include_str!("../../static/app.css");

/// Text colours on the backgrounds they are drawn on, as the stylesheet pairs them.
const TEXT_PAIRS: &[(&str, &str)] = &[
    ("text", "bg"),
    ("text", "card"),
    ("text", "field"),
    ("text", "accent-soft"),
    ("muted", "bg"),
    ("muted", "card"),
    ("muted", "accent-soft"),
    ("accent", "bg"),
    ("accent", "card"),
    ("accent", "accent-soft"),
    ("accent-dark", "card"),
    ("accent-dark", "accent-soft"),
    ("on-accent", "accent"),
    ("on-accent", "accent-dark"),
    ("danger", "card"),
    ("danger", "danger-soft"),
    ("on-danger", "danger"),
    ("ok", "card"),
    ("ok", "ok-soft"),
];

/// Borders that identify a control (WCAG 1.4.11: 3:1 against what surrounds them).
const CONTROL_PAIRS: &[(&str, &str)] = &[("field-line", "field"), ("field-line", "card")];

/// `--name: light-dark(#light, #dark);` in the `:root` block: name → (light, dark).
fn palette() -> HashMap<String, ([f64; 3], [f64; 3])> {
    let start = CSS
        .find(":root {")
        .expect("the stylesheet has a :root block");
    let block = &CSS[start..start + CSS[start..].find('}').expect("the :root block ends")];
    let mut colours = HashMap::new();
    for line in block.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("--") else {
            continue;
        };
        let Some((name, value)) = rest.split_once(':') else {
            continue;
        };
        let Some(args) = value
            .trim()
            .strip_prefix("light-dark(")
            .and_then(|v| v.strip_suffix(");"))
        else {
            continue;
        };
        let (light, dark) = args.split_once(',').expect("light-dark has two colours");
        if let (Some(l), Some(d)) = (hex(light.trim()), hex(dark.trim())) {
            colours.insert(name.to_string(), (l, d));
        }
    }
    colours
}

fn hex(s: &str) -> Option<[f64; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(f64::from);
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG 2.2 relative luminance.
fn luminance(c: [f64; 3]) -> f64 {
    let lin = |v: f64| {
        let v = v / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn check(pairs: &[(&str, &str)], minimum: f64) -> Vec<String> {
    let colours = palette();
    let mut failures = Vec::new();
    for (fg, bg) in pairs {
        let (Some(f), Some(b)) = (colours.get(*fg), colours.get(*bg)) else {
            failures.push(format!(
                "--{fg} or --{bg} is not a light-dark() pair of #rrggbb colours"
            ));
            continue;
        };
        for (theme, f, b) in [("light", f.0, b.0), ("dark", f.1, b.1)] {
            let ratio = contrast(f, b);
            if ratio < minimum {
                failures.push(format!(
                    "{theme}: --{fg} on --{bg} is {ratio:.2}:1, under {minimum}:1"
                ));
            }
        }
    }
    failures
}

#[test]
fn the_contrast_computation_is_wcags() {
    // The definition's own landmarks: black on white is 21:1, a colour on itself 1:1, and
    // #767676 on white the well-known 4.54:1.
    let white = [255.0; 3];
    assert!((contrast([0.0; 3], white) - 21.0).abs() < 1e-9);
    assert!((contrast(white, white) - 1.0).abs() < 1e-9);
    assert!((contrast([118.0; 3], white) - 4.54).abs() < 0.01);
}

#[test]
fn text_meets_aa_in_both_themes() {
    let failures = check(TEXT_PAIRS, 4.5);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn form_fields_are_outlined_visibly_in_both_themes() {
    let failures = check(CONTROL_PAIRS, 3.0);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_themes_differ_and_are_what_they_say() {
    // The dark theme is dark: its page is darker than its text, the light one the opposite.
    let colours = palette();
    let (text, bg) = (colours["text"], colours["bg"]);
    assert!(
        luminance(text.0) < luminance(bg.0),
        "light theme: dark text on a light page"
    );
    assert!(
        luminance(text.1) > luminance(bg.1),
        "dark theme: light text on a dark page"
    );
}

/// The declaration blocks of a stylesheet (text between `{` and `}` that holds no other
/// block), comments removed: where colours are written, as opposed to selectors (`#feed`).
fn declaration_blocks(css: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        plain.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    plain.push_str(rest);
    let mut blocks = Vec::new();
    let mut current = String::new();
    for c in plain.chars() {
        match c {
            '{' => current.clear(),
            '}' => blocks.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    blocks
}

fn names_a_colour(declarations: &str) -> bool {
    let hex = declarations.match_indices('#').any(|(i, _)| {
        let after = &declarations[i + 1..];
        let digits = after.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        matches!(digits, 3 | 4 | 6 | 8)
    });
    hex || ["rgb(", "rgba(", "hsl(", "hsla("]
        .iter()
        .any(|f| declarations.contains(f))
}

#[test]
fn no_rule_outside_the_palette_names_a_colour() {
    let blocks = declaration_blocks(CSS);
    assert!(
        blocks.len() > 100,
        "the stylesheet was read: {} blocks",
        blocks.len()
    );
    let (palette, rules) = blocks.split_first().expect("the :root block comes first");
    assert!(
        palette.contains("--text:"),
        "the first block is the palette"
    );
    let own: Vec<&String> = rules.iter().filter(|b| names_a_colour(b)).collect();
    assert!(
        own.is_empty(),
        "colours outside the palette do not follow the theme: {own:#?}"
    );
    // The check itself sees a colour where there is one.
    assert!(
        names_a_colour(" color: #fff; ") && names_a_colour("box-shadow: 0 0 1px rgba(0,0,0,.1)")
    );
    assert!(!names_a_colour(" color: var(--text); "));
}

#[test]
fn every_block_of_the_stylesheet_is_closed() {
    // One missing `}` puts every rule after it inside the media query before it: on a
    // desktop they silently stop applying. Counted outside comments.
    let mut plain = String::new();
    let mut rest = CSS;
    while let Some(i) = rest.find("/*") {
        plain.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    plain.push_str(rest);
    let mut depth = 0i32;
    for (n, line) in plain.lines().enumerate() {
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        assert!(depth >= 0, "line {}: a `}}` closes nothing", n + 1);
        if line.starts_with('.') || line.starts_with("@media") {
            assert!(
                depth <= 2,
                "line {}: a rule inside a rule: a block above is not closed",
                n + 1
            );
        }
    }
    assert_eq!(depth, 0, "a block is not closed");
}
