"""Static figures for the lessons: one small function per idea, so a notebook cell is a call."""
