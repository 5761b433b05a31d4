//! An internal error as the client sees it: logged here with its cause and a short id, and
//! only the id shown, so a member can quote it and the log says what happened.

/// Logs `cause` with a new id and returns the id.
pub fn log_internal(cause: &str) -> String {
    let id = format!("{:08x}", rand::random::<u32>());
    tracing::error!(error_id = %id, "internal error: {cause}");
    id
}
