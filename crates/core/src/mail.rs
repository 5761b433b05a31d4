//! Outgoing email. The web crate implements [`Mailer`] with lettre (SMTP, or `.eml` files in
//! the data directory's outbox when no SMTP server is configured).
//!
//! Every email is written once as a [`Letter`] (a greeting, paragraphs, at most one button,
//! a list of items, and an unsubscribe line for the kinds a member can turn off), which
//! renders both parts: plain text, and HTML in the product's look (brand mark, accent colour,
//! one clear button, readable in dark-mode clients). Member text is escaped in the HTML part,
//! so a name like `<b>Eve</b>` shows as typed and never as markup.

use async_trait::async_trait;

#[derive(Debug, Clone, Default)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    /// The plain-text part.
    pub body: String,
    /// The HTML part (sent with the text as multipart/alternative).
    pub html: Option<String>,
    /// Where one click turns this kind of email off (`List-Unsubscribe`, one-click POST).
    pub unsubscribe: Option<String>,
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, email: OutgoingEmail) -> Result<(), String>;
}

/// One email as it is composed: what it says, in order. [`Letter::email`] renders it.
#[derive(Debug, Clone, Default)]
pub struct Letter {
    to: String,
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
    /// The sentence and the address of "turn these emails off".
    unsubscribe: Option<(String, String)>,
}

#[derive(Debug, Clone)]
enum Block {
    Text(String),
    /// A code the member types: shown large.
    Code(String),
    Button {
        label: String,
        url: String,
    },
    Items(Vec<(String, String)>),
    Small(String),
}

impl Letter {
    pub fn new(to: &str, subject: &str) -> Letter {
        Letter {
            to: to.to_string(),
            subject: subject.to_string(),
            ..Letter::default()
        }
    }

    /// "Hello {name},"
    pub fn hello(mut self, name: &str) -> Letter {
        self.greeting = format!("Hello {name},");
        self
    }

    pub fn text(mut self, paragraph: impl Into<String>) -> Letter {
        self.blocks.push(Block::Text(paragraph.into()));
        self
    }

    pub fn code(mut self, code: &str) -> Letter {
        self.blocks.push(Block::Code(code.to_string()));
        self
    }

    /// The one clear action; in the text part, the label and the address.
    pub fn button(mut self, label: &str, url: impl Into<String>) -> Letter {
        self.blocks.push(Block::Button {
            label: label.to_string(),
            url: url.into(),
        });
        self
    }

    /// A list of (text, address): a digest's notifications.
    pub fn items(mut self, items: Vec<(String, String)>) -> Letter {
        self.blocks.push(Block::Items(items));
        self
    }

    /// A quieter paragraph: why this email came, what to do if it was not you.
    pub fn small(mut self, paragraph: impl Into<String>) -> Letter {
        self.blocks.push(Block::Small(paragraph.into()));
        self
    }

    /// The footer's "turn these off" line, and the one-click headers.
    pub fn unsubscribe(mut self, sentence: &str, url: String) -> Letter {
        self.unsubscribe = Some((sentence.to_string(), url));
        self
    }

    pub fn email(self) -> OutgoingEmail {
        OutgoingEmail {
            body: self.text_part(),
            html: Some(self.html_part()),
            unsubscribe: self.unsubscribe.as_ref().map(|(_, url)| url.clone()),
            to: self.to,
            subject: self.subject,
        }
    }

    fn text_part(&self) -> String {
        let mut out = String::new();
        if !self.greeting.is_empty() {
            out.push_str(&self.greeting);
            out.push_str("\n\n");
        }
        for b in &self.blocks {
            match b {
                Block::Text(t) | Block::Small(t) => out.push_str(t),
                Block::Code(c) => out.push_str(&format!("    {c}")),
                Block::Button { label, url } => out.push_str(&format!("{label}: {url}")),
                Block::Items(items) => {
                    let lines: Vec<String> = items
                        .iter()
                        .map(|(text, url)| format!("- {text}\n  {url}"))
                        .collect();
                    out.push_str(&lines.join("\n"));
                }
            }
            out.push_str("\n\n");
        }
        if let Some((sentence, url)) = &self.unsubscribe {
            out.push_str(&format!("--\n{sentence}: {url}\n"));
        }
        out.push_str("\nGuild\n");
        out
    }

    fn html_part(&self) -> String {
        let mut body = String::new();
        if !self.greeting.is_empty() {
            body.push_str(&format!("<p{P}>{}</p>\n", escape(&self.greeting)));
        }
        for b in &self.blocks {
            let html = match b {
                Block::Text(t) => format!("<p{P}>{}</p>", escape(t)),
                Block::Small(t) => format!(
                    "<p class=\"muted\" style=\"margin:0 0 16px;color:#545b64;font-size:14px;\">{}</p>",
                    escape(t)
                ),
                Block::Code(c) => format!(
                    "<p class=\"code\" style=\"margin:0 0 16px;font-size:28px;letter-spacing:6px;font-weight:bold;\">{}</p>",
                    escape(c)
                ),
                Block::Button { label, url } => format!(
                    "<p style=\"margin:24px 0;\"><a class=\"button\" href=\"{}\" style=\"{BUTTON}\">{}</a></p>",
                    escape(url),
                    escape(label)
                ),
                Block::Items(items) => {
                    let rows: String = items
                        .iter()
                        .map(|(text, url)| {
                            format!("<li><a href=\"{}\">{}</a></li>", escape(url), escape(text))
                        })
                        .collect();
                    format!("<ul class=\"items\" style=\"margin:0 0 16px;padding-left:20px;\">{rows}</ul>")
                }
            };
            body.push_str(&html);
            body.push('\n');
        }
        let footer = match &self.unsubscribe {
            Some((sentence, url)) => {
                format!("<a href=\"{}\">{}</a>", escape(url), escape(sentence))
            }
            None => "You received this email because of your Guild account.".to_string(),
        };
        HTML_FRAME
            .replace("{subject}", &escape(&self.subject))
            .replace("{footer}", &footer)
            .replace("{body}", &body)
    }
}

/// A paragraph's inline style (clients that drop `<style>` keep these).
const P: &str = " style=\"margin:0 0 16px;\"";
/// The one clear button, in the accent colour.
const BUTTON: &str = "display:inline-block;background:#0a5bb5;color:#ffffff;padding:12px 22px;\
                      border-radius:8px;font-weight:600;text-decoration:none;";

/// Text for HTML: `&`, `<`, `>`, `"` and `'` as entities (attributes are double-quoted).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The HTML part's frame. Inline styles carry the light look (clients that drop `<style>`
/// still show it); the `<style>` block adds the dark one. Colours are the site's: accent
/// #0a5bb5, text #1c1f23.
const HTML_FRAME: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{subject}</title>
<style>
  body { margin: 0; padding: 0; }
  .muted { color: #545b64; font-size: 14px; }
  .code { font-size: 28px; letter-spacing: 6px; font-weight: bold; }
  .items { padding-left: 20px; }
  .items li { margin: 0 0 8px; }
  a { color: #0a5bb5; }
  a.button { color: #ffffff !important; }
  @media (prefers-color-scheme: dark) {
    body, .page { background: #1b1f23 !important; }
    .card { background: #24292e !important; color: #e8eaed !important; border-color: #3b4148 !important; }
    .muted, .footer { color: #a9b1ba !important; }
    a { color: #70b5f9 !important; }
    a.button { background: #70b5f9 !important; color: #0b1520 !important; }
    .brand { color: #e8eaed !important; }
  }
</style>
</head>
<body class="page" style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="page" style="background:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;">
<tr><td style="padding:0 0 16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;">
<span style="display:inline-block;width:32px;height:32px;line-height:32px;text-align:center;border-radius:6px;background:#0a5bb5;color:#ffffff;font-weight:bold;font-size:20px;">G</span>
<span class="brand" style="font-weight:bold;font-size:20px;color:#1c1f23;vertical-align:middle;">&nbsp;Guild</span>
</td></tr>
<tr><td class="card" style="background:#ffffff;border:1px solid #d5d9de;border-radius:8px;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1c1f23;">
{body}</td></tr>
<tr><td class="footer" style="padding:16px 4px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:13px;color:#545b64;">
{footer}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_and_html_escapes() {
        let e = Letter::new("a@example.com", "Hi <there>")
            .hello("<b>Eve</b>")
            .text("You have mail & more.")
            .button("Read it", "https://g.example/messages/1?a=1&b=2")
            .unsubscribe("Stop these", "https://g.example/unsubscribe?t=x".into())
            .email();
        assert!(e.body.starts_with("Hello <b>Eve</b>,"), "{}", e.body);
        assert!(e
            .body
            .contains("Read it: https://g.example/messages/1?a=1&b=2"));
        let html = e.html.unwrap_or_default();
        assert!(html.contains("Hello &lt;b&gt;Eve&lt;/b&gt;,"));
        assert!(!html.contains("<b>Eve"));
        assert!(html.contains("href=\"https://g.example/messages/1?a=1&amp;b=2\""));
        assert!(html.contains("<title>Hi &lt;there&gt;</title>"));
        assert!(html.contains("prefers-color-scheme: dark"));
        assert_eq!(
            e.unsubscribe.as_deref(),
            Some("https://g.example/unsubscribe?t=x")
        );
    }
}
