"""SkillPass issuer (see DESIGN.md); built in later issues."""
