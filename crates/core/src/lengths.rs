//! How long each text a member types may be, in characters: the one list that the services
//! check against and that the pages' `maxlength` attributes read, so the two cannot disagree.

/// A member's name.
pub const NAME: usize = 100;
/// A handle: `/in/<handle>`.
pub const HANDLE: usize = 30;
/// A handle as typed into a form, with its `@`.
pub const HANDLE_TYPED: usize = HANDLE + 1;
/// An email address.
pub const EMAIL: usize = 254;
/// A new password: at least so many, at most so many.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD: usize = 128;
/// A password checked at sign-in, in bytes (one set under an older, larger limit still
/// works; anything longer is refused before hashing).
pub const PASSWORD_CHECKED: usize = 4 * PASSWORD;
pub const HEADLINE: usize = 220;
pub const ABOUT: usize = 2_600;
/// A place: a profile's or a position's location.
pub const LOCATION: usize = 100;
pub const PHONE: usize = 40;
/// A web address: a website, a featured link.
pub const URL: usize = 500;
pub const COMPANY: usize = 100;
/// A position's title.
pub const JOB_TITLE: usize = 100;
/// A position's description.
pub const DESCRIPTION: usize = 2_000;
pub const SCHOOL: usize = 150;
pub const DEGREE: usize = 100;
pub const FIELD_OF_STUDY: usize = 100;
/// `YYYY-MM`
pub const MONTH: usize = 7;
/// `YYYY`
pub const YEAR: usize = 4;
pub const SKILL: usize = 80;
/// A featured link's title.
pub const LINK_TITLE: usize = 100;
/// An access token's label.
pub const TOKEN_LABEL: usize = 100;
/// The note of an invitation.
pub const INVITATION_NOTE: usize = 300;
pub const POST: usize = 3_000;
pub const ARTICLE: usize = 100_000;
pub const ARTICLE_TITLE: usize = 150;
pub const COMMENT: usize = 1_250;
pub const MESSAGE: usize = 8_000;
/// An out-of-office reply.
pub const AWAY_MESSAGE: usize = 1_000;
/// The recipients of a new message, as typed: handles separated by commas.
pub const RECIPIENTS: usize = 2_000;
/// A search or filter: the directory's fields, connections, messages.
pub const SEARCH: usize = 100;
