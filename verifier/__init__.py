"""SkillPass verifier (see DESIGN.md); built in later issues."""
