//! Member text to safe HTML (placeholder; being written).
