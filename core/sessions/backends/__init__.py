"""Session backends: each module defines `SessionStore`, named by SESSION_ENGINE."""
