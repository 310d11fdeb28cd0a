"""Tests of referral network analyses and Open Referral (mirrors src/tipframe/network)."""
