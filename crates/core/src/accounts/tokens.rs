//! Personal access tokens (`gld_…`): created, listed and revoked by their member, and who a
//! bearer token belongs to.

use super::model::ApiToken;
use crate::auth::{self, Viewer};
use crate::domain;
use crate::error::{CoreError, CoreResult};
use crate::lengths;
use crate::{now_ms, Guild};

impl Guild {
    pub async fn create_token(&self, viewer: &Viewer, label: &str) -> CoreResult<(i64, String)> {
        let me = viewer.require()?;
        let label = domain::optional_line(label, "Label", lengths::TOKEN_LABEL)
            .map_err(|m| CoreError::invalid("label", m))?;
        let label = label.unwrap_or_else(|| "API token".into());
        let token = auth::new_secret("gld_");
        let id = self
            .store
            .create_token(me.id, &label, &auth::secret_hash(&token), now_ms())
            .await?;
        Ok((id, token))
    }

    pub async fn list_tokens(&self, viewer: &Viewer) -> CoreResult<Vec<ApiToken>> {
        Ok(self.store.list_tokens(viewer.require()?.id).await?)
    }

    /// Revokes one of the viewer's own tokens; another member's token id is "not found".
    pub async fn revoke_token(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        if self
            .store
            .revoke_token(viewer.require()?.id, id, now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    pub async fn token_viewer(&self, token: &str) -> CoreResult<Option<Viewer>> {
        if token.len() > 200 {
            return Ok(None);
        }
        Ok(self
            .store
            .token_member(&auth::secret_hash(token), now_ms())
            .await?
            .filter(|m| m.active)
            .map(Viewer::Member))
    }
}
