"""Tests for the DomoGuard integration, against the real Home Assistant (pytest-homeassistant-custom-component)."""
