"""Encryption of personal data at rest and the audit chain's digest (issue 19).

keys.py holds the deployment's key ring (from the environment, rotatable), ciphers.py seals and
opens values with it (AES-256-GCM by default, SM4-GCM where a commercial-cryptography review asks
for it), digest.py names the hash the audit chain uses (SHA-256 or SM3).
"""
