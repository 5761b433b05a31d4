//! Messaging settings: who may message a member, read receipts and the unread-message email
//! delay; a member without a row has the defaults.

use guild_core::accounts::model::MemberId;
use guild_core::messaging::model::*;
use guild_core::store::StoreResult;

use crate::sql::vals;
use crate::SqlStore;

#[derive(sqlx::FromRow)]
struct SettingsRow {
    member_id: i64,
    who_can_message: String,
    read_receipts: bool,
    email_after_minutes: i64,
}

impl SettingsRow {
    fn into_model(self) -> (MemberId, MessageSettings) {
        (
            self.member_id,
            MessageSettings {
                who_can_message: WhoCanMessage::parse(&self.who_can_message).unwrap_or_default(),
                read_receipts: self.read_receipts,
                email_after_minutes: self.email_after_minutes,
            },
        )
    }
}

pub(super) async fn message_settings(
    store: &SqlStore,
    member: MemberId,
) -> StoreResult<MessageSettings> {
    Ok(message_settings_of(store, &[member])
        .await?
        .pop()
        .map(|(_, s)| s)
        .unwrap_or_default())
}
pub(super) async fn message_settings_of(
    store: &SqlStore,
    members: &[MemberId],
) -> StoreResult<Vec<(MemberId, MessageSettings)>> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT member_id, who_can_message, read_receipts, email_after_minutes \
         FROM message_settings WHERE member_id IN {}",
        store.id_set(1)
    );
    let rows: Vec<SettingsRow> = store
        .fetch_all::<SettingsRow, _>(&sql, &vals![store.id_array(members)])
        .await?;
    let mut found: std::collections::HashMap<MemberId, MessageSettings> =
        rows.into_iter().map(SettingsRow::into_model).collect();
    let mut seen = std::collections::HashSet::new();
    Ok(members
        .iter()
        .filter(|m| seen.insert(**m))
        .map(|m| (*m, found.remove(m).unwrap_or_default()))
        .collect())
}
pub(super) async fn set_message_settings(
    store: &SqlStore,
    member: MemberId,
    s: &MessageSettings,
) -> StoreResult<()> {
    let sql = "INSERT INTO message_settings \
         (member_id, who_can_message, read_receipts, email_after_minutes) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (member_id) DO UPDATE SET \
         who_can_message = excluded.who_can_message, read_receipts = excluded.read_receipts, \
         email_after_minutes = excluded.email_after_minutes";
    let binds = vals![
        member,
        s.who_can_message.as_str(),
        s.read_receipts,
        s.email_after_minutes,
    ];
    store.run(sql, &binds).await?;
    Ok(())
}
