"""Who may do what in notify (通知与公示). The board is public; staff endpoints come with the
notify issue."""
