"""Inception: multiply-add and parameter counts of convolutions and of an Inception module."""
