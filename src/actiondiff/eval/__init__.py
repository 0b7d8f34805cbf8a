"""Evaluation: benchmark readers, the papers' metrics, matchers for open-set scoring, the batch runner."""
