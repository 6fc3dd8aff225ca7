"""Bank transfers, the back office: statement imports matched to pledges by reference
code, and their admin."""
