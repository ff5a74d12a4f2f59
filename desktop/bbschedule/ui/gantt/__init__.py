"""Our hand-painted Gantt chart: a time grid, a row controller, a bar painter/hit-tester and a link painter."""
