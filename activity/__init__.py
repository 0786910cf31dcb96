"""Activity (A.4), event (A.5) and browsing (A.6) information: orders, posts, leads, views."""
