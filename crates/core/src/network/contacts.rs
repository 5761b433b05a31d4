//! "Find your contacts": an uploaded LinkedIn `Connections.csv`, plain CSV or vCard file is
//! matched against the members — certainly by email address, maybe by exact name plus
//! company — so the member can invite them in one click. Neither the file nor the rows that
//! matched no one are kept: everything here happens in memory and is returned.

use std::collections::{HashMap, HashSet};

use guild_import::{parse_contacts, ImportError, Limits};

use super::Person;
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::domain::fold_key;
use crate::error::{CoreError, CoreResult};
use crate::Guild;

/// One member found among the contacts.
#[derive(Debug, Clone)]
pub struct ContactHit {
    /// The name as the file had it.
    pub contact_name: String,
    pub person: Person,
}

#[derive(Debug, Clone)]
pub struct ContactsResult {
    /// Matched by email address.
    pub matched: Vec<ContactHit>,
    /// Same name and a company they list, but no email match.
    pub maybe: Vec<ContactHit>,
    pub unmatched_count: usize,
    /// `linkedin`, `csv` or `vcard`.
    pub format: &'static str,
    pub total: usize,
}

fn import_error(e: ImportError) -> CoreError {
    CoreError::invalid("file", format!("{e}"))
}

impl Guild {
    pub async fn import_contacts(
        &self,
        viewer: &Viewer,
        bytes: &[u8],
    ) -> CoreResult<ContactsResult> {
        let me = Self::me(viewer)?;
        let parsed = parse_contacts(bytes, Limits::default()).map_err(import_error)?;
        let hidden = self.network.hidden_from(me);
        let skip = |id: MemberId| id == me || hidden.contains(&id);

        let mut emails: Vec<String> = parsed
            .contacts
            .iter()
            .flat_map(|c| c.emails.iter().cloned())
            .collect();
        emails.sort();
        emails.dedup();
        let by_email: HashMap<String, MemberId> = self
            .store
            .members_by_emails(&emails)
            .await?
            .into_iter()
            .map(|m| (m.email, m.id))
            .collect();

        let mut keys: Vec<String> = parsed
            .contacts
            .iter()
            .filter(|c| !c.emails.iter().any(|e| by_email.contains_key(e)))
            .filter(|c| c.company.is_some())
            .map(|c| fold_key(&c.full_name))
            .filter(|k| !k.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        let by_name = self.store.members_by_name_keys(&keys).await?;

        let mut matched: Vec<(MemberId, String)> = Vec::new();
        let mut maybe: Vec<(MemberId, String)> = Vec::new();
        let mut seen: HashSet<MemberId> = HashSet::new();
        let mut unmatched_count = 0;
        for c in &parsed.contacts {
            if let Some(id) = c.emails.iter().find_map(|e| by_email.get(e).copied()) {
                if !skip(id) && seen.insert(id) {
                    matched.push((id, c.full_name.clone()));
                }
                continue;
            }
            let key = fold_key(&c.full_name);
            let company = c.company.as_deref().map(fold_key).unwrap_or_default();
            let hit = by_name.iter().find(|m| {
                !company.is_empty() && m.name_key == key && m.company_keys.contains(&company)
            });
            match hit {
                Some(m) => {
                    if !skip(m.id) && seen.insert(m.id) {
                        maybe.push((m.id, c.full_name.clone()));
                    }
                }
                None => unmatched_count += 1,
            }
        }
        let hits = |list: Vec<(MemberId, String)>, people: Vec<Person>| -> Vec<ContactHit> {
            let mut by_id: HashMap<MemberId, Person> =
                people.into_iter().map(|p| (p.card.id, p)).collect();
            list.into_iter()
                .filter_map(|(id, contact_name)| {
                    by_id.remove(&id).map(|person| ContactHit {
                        contact_name,
                        person,
                    })
                })
                .collect()
        };
        let m_ids: Vec<MemberId> = matched.iter().map(|m| m.0).collect();
        let y_ids: Vec<MemberId> = maybe.iter().map(|m| m.0).collect();
        let matched_people = self.people_by_ids(viewer, &m_ids).await?;
        let maybe_people = self.people_by_ids(viewer, &y_ids).await?;
        Ok(ContactsResult {
            matched: hits(matched, matched_people),
            maybe: hits(maybe, maybe_people),
            unmatched_count,
            format: parsed.format.as_str(),
            total: parsed.contacts.len(),
        })
    }
}
