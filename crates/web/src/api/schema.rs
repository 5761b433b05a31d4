//! The pieces of the OpenAPI document that come from core's own rules, so the document says
//! what the services check: text bounds from [`guild_core::lengths`], the choices of core's
//! enums, paging limits from [`guild_core::paging`], and the error body built from
//! [`guild_core::Code`]. Request types name them with `#[schema(schema_with = …)]` (or
//! `#[param(schema_with = …)]`); utoipa's own `max_length` takes only literals, and a
//! literal would be a second copy of a constant.
//!
//! Text in core is trimmed, then counted in characters (`domain::bounded_text`): a required
//! text has something besides white space, and no text has control characters other than
//! line breaks and tabs (a single line has none at all). The patterns below say exactly that.

use guild_core::{lengths, paging};
use utoipa::openapi::schema::{
    AnyOfBuilder, Array, ArrayBuilder, Object, ObjectBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{KnownFormat, SchemaFormat};

/// White space as Rust's `str::trim` sees it (Unicode `White_Space`).
const WS: &str = r"[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// A character that is neither white space nor a control character.
const SOLID: &str = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\x00-\x1F\x7F-\x9F]";
/// Any character but white space.
const NOT_WS: &str = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// No control characters at all (a single line).
const LINE_CHAR: &str = r"[^\x00-\x1F\x7F-\x9F]";
/// No control characters but line breaks and tabs (a multi-line text).
const TEXT_CHAR: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]";
/// Anything.
const ANY_CHAR: &str = r"[\s\S]";

fn string(nullable: bool) -> ObjectBuilder {
    if nullable {
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
    } else {
        ObjectBuilder::new().schema_type(Type::String)
    }
}

/// A text whose trimmed form is 1 to `max` characters of `class` (`edge` at both ends), or
/// — unless `required` — nothing at all, white space around it aside. JSON Schema's
/// `maxLength` counts the white space that core trims, so the bound lives in the pattern.
fn trimmed(class: &str, edge: &str, max: usize, required: bool) -> String {
    let inner = max.saturating_sub(2);
    let filled = format!("{edge}({class}{{0,{inner}}}{edge})?");
    if required {
        format!("^{WS}*{filled}{WS}*$")
    } else {
        format!("^{WS}*({filled})?{WS}*$")
    }
}

fn described(o: ObjectBuilder, max: usize) -> ObjectBuilder {
    o.description(Some(format!(
        "At most {max} characters, not counting white space around them."
    )))
}

/// A required single line of at most `MAX` characters (`domain::line`).
pub fn line<const MAX: usize>() -> Object {
    described(string(false), MAX)
        .pattern(Some(trimmed(LINE_CHAR, SOLID, MAX, true)))
        .build()
}

/// An optional single line: absent, null or blank leaves it empty (`domain::optional_line`).
pub fn optional_line<const MAX: usize>() -> Object {
    described(string(true), MAX)
        .pattern(Some(trimmed(LINE_CHAR, SOLID, MAX, false)))
        .build()
}

/// A single line or a blank one (skipped), not null: an item of a list.
pub fn blank_or_line<const MAX: usize>() -> Object {
    described(string(false), MAX)
        .pattern(Some(trimmed(LINE_CHAR, SOLID, MAX, false)))
        .build()
}

/// A single line that may be left out (null or absent) but, when given, has something in
/// it: a member's name in a profile patch.
pub fn line_or_null<const MAX: usize>() -> Object {
    described(string(true), MAX)
        .pattern(Some(trimmed(LINE_CHAR, SOLID, MAX, true)))
        .build()
}

/// A required text of at most `MAX` characters, line breaks allowed (`domain::bounded_text`).
pub fn text<const MAX: usize>() -> Object {
    described(string(false), MAX)
        .pattern(Some(trimmed(TEXT_CHAR, SOLID, MAX, true)))
        .build()
}

/// An optional text (`domain::optional_text`).
pub fn optional_text<const MAX: usize>() -> Object {
    described(string(true), MAX)
        .pattern(Some(trimmed(TEXT_CHAR, SOLID, MAX, false)))
        .build()
}

/// A text that may be blank (some other field carries the content), at most `MAX`, no
/// control characters but line breaks and tabs.
pub fn upto<const MAX: usize>() -> Object {
    described(string(false), MAX)
        .pattern(Some(trimmed(TEXT_CHAR, SOLID, MAX, false)))
        .build()
}

/// [`upto`], or null.
pub fn optional_upto<const MAX: usize>() -> Object {
    described(string(true), MAX)
        .pattern(Some(trimmed(TEXT_CHAR, SOLID, MAX, false)))
        .build()
}

/// Any text of at most `MAX` characters once trimmed, which may be blank (a message: an
/// attachment may carry it).
pub fn any_upto<const MAX: usize>() -> Object {
    described(string(false), MAX)
        .pattern(Some(trimmed(ANY_CHAR, NOT_WS, MAX, false)))
        .build()
}

/// [`any_upto`], or null.
pub fn optional_any_upto<const MAX: usize>() -> Object {
    described(string(true), MAX)
        .pattern(Some(trimmed(ANY_CHAR, NOT_WS, MAX, false)))
        .build()
}

/// One of `values`, exactly as core's `as_str` writes them.
pub fn choice(values: impl IntoIterator<Item = &'static str>, nullable: bool) -> Object {
    let values: Vec<serde_json::Value> = values.into_iter().map(Into::into).collect();
    let values = if nullable {
        values
            .into_iter()
            .chain([serde_json::Value::Null])
            .collect()
    } else {
        values
    };
    string(nullable).enum_values(Some(values)).build()
}

/// `?limit=` of a list: 1 to [`paging::MAX_LIMIT`].
pub fn limit() -> Object {
    bounded_limit(paging::DEFAULT_LIMIT, paging::MAX_LIMIT)
}

/// `?limit=` of the home feed: 1 to [`guild_core::feed::FEED_PAGE_MAX`].
pub fn feed_limit() -> Object {
    bounded_limit(guild_core::feed::FEED_PAGE, guild_core::feed::FEED_PAGE_MAX)
}

fn bounded_limit(default: u32, max: u32) -> Object {
    ObjectBuilder::new()
        .description(Some(format!(
            "Items on the page: 1 to {max}, default {default}."
        )))
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(1))
        .maximum(Some(max))
        .build()
}

/// A post's engagement rate as core defines it (`guild_core::feed::engagement`): a fraction
/// 0..1, null below the minimum of impressions.
pub fn engagement_rate() -> Object {
    use guild_core::feed::engagement;
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Number, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
        .minimum(Some(0.0))
        .maximum(Some(1.0))
        .description(Some(format!(
            "{} A fraction from 0 to 1; null below {} impressions.",
            engagement::DEFINITION,
            engagement::MIN_IMPRESSIONS
        )))
        .build()
}

/// `?cursor=`: opaque, only ever a `next_cursor` the server gave (URL-safe base64). Empty is
/// the first page; anything the server did not write is refused (422 on `cursor`).
pub fn cursor() -> Object {
    string(false)
        .pattern(Some(r"^[A-Za-z0-9_-]*$"))
        .description(Some(
            "The `next_cursor` of the previous page, as given; anything else is refused (422).",
        ))
        .build()
}

/// An email address as `Email::parse` reads it.
pub fn email() -> Object {
    string(false)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(guild_core::lengths::EMAIL))
        .build()
}

/// A new password: `PASSWORD_MIN` to `PASSWORD` characters, anything allowed.
pub fn new_password() -> Object {
    string(false)
        .min_length(Some(guild_core::lengths::PASSWORD_MIN))
        .max_length(Some(guild_core::lengths::PASSWORD))
        .build()
}

/// A password checked against the stored one: anything, up to the bytes that are hashed.
pub fn password() -> Object {
    string(false).build()
}

/// The code emailed to sign in to an account being guessed (`Guild::check_sign_in_code`);
/// white space in it is ignored. Null or absent: sign in with the password.
pub fn sign_in_code() -> Object {
    string(true)
        .description(Some(
            "The code emailed after `sign_in_code_required`; white space in it is ignored.",
        ))
        .build()
}

/// The codes an error body may carry: every [`guild_core::Code`], and `bad_request` for a
/// malformed request (which never reaches a service).
pub fn error_codes() -> Vec<&'static str> {
    guild_core::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(["bad_request"])
        .collect()
}

/// A query parameter: for the few `IntoParams` written by hand, since utoipa's derive drops
/// `required` and the description of a parameter whose schema is `schema_with`.
pub fn query(
    name: &str,
    required: bool,
    description: &str,
    schema: impl Into<utoipa::openapi::RefOr<Schema>>,
) -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::Required;
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// A search or filter: at most [`guild_core::lengths::SEARCH`] characters.
pub fn search() -> Object {
    described(string(false), lengths::SEARCH)
        .pattern(Some(trimmed(ANY_CHAR, NOT_WS, lengths::SEARCH, false)))
        .build()
}

/// A message search: at least 2 characters besides the white space around them.
pub fn message_search() -> Object {
    string(false).pattern(Some(r"^\s*\S[\s\S]*\S\s*$")).build()
}

/// A handle as `Handle::parse` takes it: 3 to [`lengths::HANDLE`] of letters, digits and
/// single hyphens, starting with a letter (upper case is lowered). The reserved words
/// (`domain::RESERVED_HANDLES`) are listed in the description: utoipa has no `not`.
pub fn handle() -> Schema {
    handle_object(false).into()
}

/// A handle, or null/absent (one is then made from the name).
pub fn optional_handle() -> Schema {
    handle_object(true).into()
}

fn handle_object(nullable: bool) -> Object {
    let reserved = guild_core::domain::RESERVED_HANDLES.join(", ");
    string(nullable)
        .min_length(Some(3))
        .max_length(Some(lengths::HANDLE))
        .pattern(Some(r"^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$"))
        .description(Some(format!("Not one of the reserved words: {reserved}.")))
        .build()
}

/// `YYYY-MM` within [`guild_core::domain::YEARS`].
pub fn year_month() -> Object {
    string(false).pattern(Some(YEAR_MONTH)).build()
}

/// `YYYY-MM`, or absent, null or blank.
pub fn optional_year_month() -> Object {
    string(true)
        .pattern(Some(format!(
            r"^(\s*|{})$",
            &YEAR_MONTH[1..YEAR_MONTH.len() - 1]
        )))
        .build()
}

/// 1900–2100 (`domain::YEARS`), as the pattern for `YYYY-MM` spells it; a test checks the two
/// agree.
const YEAR_MONTH: &str = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$";

/// A year within [`guild_core::domain::YEARS`], or null.
pub fn optional_year() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(*guild_core::domain::YEARS.start()))
        .maximum(Some(*guild_core::domain::YEARS.end()))
        .build()
}

/// An http(s) address with a dotted host (`domain::web_url`), at most [`lengths::URL`].
pub fn web_url() -> Object {
    string(false)
        .max_length(Some(lengths::URL))
        .pattern(Some(WEB_URL))
        .build()
}

/// [`web_url`], or absent, null or blank (which clears it).
pub fn optional_web_url() -> Object {
    string(true)
        .max_length(Some(lengths::URL))
        .pattern(Some(format!(r"^(\s*|{})$", &WEB_URL[1..WEB_URL.len() - 1])))
        .build()
}

const WEB_URL: &str = r"^[hH][tT][tT][pP][sS]?://[^/?#\s\x00-\x1F\x7F-\x9F]*\.[^/?#\s\x00-\x1F\x7F-\x9F]*([/?#][^\x00-\x1F\x7F-\x9F]*)?$";

/// A phone number (`domain::phone`): digits, spaces and `+ - ( ) .`; or absent, null or
/// blank. That it has at least 5 digits is said in words: a pattern cannot count digits and
/// bound the length at once.
pub fn optional_phone() -> Object {
    string(true)
        .description(Some(format!(
            "At most {} characters of digits, spaces and `+ - ( ) .`, with at least 5 digits.",
            lengths::PHONE
        )))
        .pattern(Some(trimmed(
            r"[0-9 +\-().]",
            r"[0-9+\-().]",
            lengths::PHONE,
            false,
        )))
        .build()
}

/// An email address, or absent, null or blank (which clears it).
pub fn optional_email() -> Schema {
    let blank = string(false).pattern(Some(r"^\s*$")).build();
    let null = ObjectBuilder::new().schema_type(Type::Null).build();
    AnyOfBuilder::new()
        .item(email())
        .item(blank)
        .item(null)
        .build()
        .into()
}

/// An id as the API writes them: digits, as a string (at most 18: every id fits in 64 bits).
pub fn id() -> Object {
    string(false).pattern(Some(ID)).build()
}

const ID: &str = r"^[0-9]{1,18}$";

/// A day (`2026-06-03`) or an RFC 3339 time, as the away period reads them.
pub fn date_or_time() -> Schema {
    let of = |f| {
        string(false)
            .format(Some(SchemaFormat::KnownFormat(f)))
            .build()
    };
    AnyOfBuilder::new()
        .item(of(KnownFormat::Date))
        .item(of(KnownFormat::DateTime))
        .build()
        .into()
}

/// A list of ids, or null.
pub fn optional_ids() -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(id())
        .build()
}

/// A post's images: up to `feed::MAX_IMAGES` keys from `POST /api/v1/media` (which keys
/// exist is the server's to say).
pub fn image_keys() -> Array {
    ArrayBuilder::new()
        .items(string(false))
        .max_items(Some(guild_core::feed::MAX_IMAGES))
        .build()
}

/// An optional id.
pub fn optional_id() -> Object {
    string(true).pattern(Some(ID)).build()
}

/// Any string: what names something that is looked up (a handle, an invitation token).
pub fn any() -> Object {
    string(false).build()
}

/// Any string, or null.
pub fn optional_any() -> Object {
    string(true).build()
}

// The multipart forms of the upload routes: one file each, in the field that
// `UploadKind::field` names (a test checks the two agree), and nothing else
// (`read_api_upload`). What the file may be is checked by core (`Guild::keep_upload`): its
// size, type and pixels. `Deserialize` only carries `deny_unknown_fields` to the schema.

/// `photo`: a JPEG, PNG or WebP image.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoForm {
    #[schema(value_type = String, format = Binary)]
    pub photo: Vec<u8>,
}

/// `image`: a JPEG, PNG or WebP image for a post or an article's cover.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageForm {
    #[schema(value_type = String, format = Binary)]
    pub image: Vec<u8>,
}

/// `file`: any file for the next message (images are re-encoded).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// `file`: LinkedIn's Connections.csv, a CSV with a header row, or a vCard file.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A hashtag as a path names it: letters, digits and `_`, at least one letter, at most
/// `markup::MAX_TAG_CHARS`.
pub fn hashtag() -> Object {
    string(false)
        .min_length(Some(1))
        .max_length(Some(guild_core::markup::MAX_TAG_CHARS))
        .pattern(Some(r"^\w*[^\W\d_]\w*$"))
        .build()
}
