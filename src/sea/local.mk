# src/sea: files are added here as the area grows
