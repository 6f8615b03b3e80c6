"""Conversation flows: a declarative flow language and a pure engine.

- `schema`: typed definitions (YAML → pydantic), `flow.schema.json` for editors;
- `loader`: `parse_flow`, `validate_file`, `load_builtin`, `builtin_ids`;
- `engine`: `start` / `step`, pure functions returning new state and actions;
- `actions`, `routers`, `templates`, `segments`, `lint`.
"""
