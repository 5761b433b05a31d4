//! A member card as every page lists members: photo, name, headline, company and place, the
//! degree badge, the mutual count, and the one action that fits how the viewer stands.

use guild_core::network::{Person, Relation};
use guild_core::profiles::photo_url;

use super::format::initials;

#[derive(Debug, Clone)]
pub struct Card {
    pub handle: String,
    pub name: String,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub photo: Option<String>,
    pub initials: String,
    /// "1st", "2nd", "3rd" or "".
    pub badge: &'static str,
    /// "22 mutual connections" or "".
    pub mutuals: String,
    pub relation: Relation,
}

impl Card {
    pub fn is_me(&self) -> bool {
        self.relation == Relation::Me
    }
    pub fn can_invite(&self) -> bool {
        self.relation == Relation::None
    }
    pub fn invited_by_me(&self) -> bool {
        self.relation == Relation::InvitedByMe
    }
    pub fn invited_me(&self) -> bool {
        self.relation == Relation::InvitedMe
    }
    pub fn connected(&self) -> bool {
        self.relation == Relation::Connected
    }
    pub fn badge_label(&self) -> String {
        match self.badge {
            "" => String::new(),
            b => format!("{b}-degree connection"),
        }
    }
}

impl Card {
    /// A bare card from the account alone (name and handle), when no profile card is at hand.
    pub fn of_member(m: &guild_core::accounts::model::Member) -> Card {
        Card {
            handle: m.handle.to_string(),
            name: m.name.clone(),
            headline: None,
            location: None,
            company: None,
            photo: None,
            initials: initials(&m.name),
            badge: "",
            mutuals: String::new(),
            relation: Relation::Me,
        }
    }
}

impl From<&Person> for Card {
    fn from(p: &Person) -> Self {
        let c = &p.card;
        Card {
            photo: c
                .photo_key
                .as_deref()
                .map(|k| photo_url(k, guild_core::photo::SMALL)),
            initials: initials(&c.name),
            handle: c.handle.to_string(),
            name: c.name.clone(),
            headline: c.headline.clone(),
            location: c.location.clone(),
            company: c.current_company.clone(),
            badge: p.badge(),
            mutuals: p.mutual_label(),
            relation: p.relation,
        }
    }
}

impl From<Person> for Card {
    fn from(p: Person) -> Self {
        Card::from(&p)
    }
}
