"""SkillPass wallet (see DESIGN.md); built in later issues."""
