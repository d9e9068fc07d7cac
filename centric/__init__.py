"""Centric: an open-source, self-hosted CRM for customer-centric businesses."""
