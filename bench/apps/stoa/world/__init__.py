"""The world app: TechEmpower's test types as Stoa views."""
