"""The demo: a fictional dataset for the five model municipalities, built through the apps'
services (so every demo row has the audit entries a real user's change would have), and one
account per role. Only for DEBUG installations.

The top layer: it may import every app, and no app imports it."""
