"""The project tree: EPS above projects, the open project's WBS beneath it, and Qt's model tester passes."""

from __future__ import annotations

from typing import Any

from bbschedule.core.project import Eps
from bbschedule.core.project_data import ProjectData
from bbschedule.ui import roles
from bbschedule.ui.project_tree_model import ProjectEntry, ProjectTreeModel


def _catalog(project: ProjectData) -> tuple[list[Eps], list[ProjectEntry]]:
    company = Eps("Northwind Construction", code="NW")
    region = Eps("London", code="LDN", parent_id=company.id)
    entries = [
        ProjectEntry(project.project.id, project.project.code, project.project.name, region.id, 5),
        ProjectEntry("other", "BLD-02", "Warehouse", None, 12),
    ]
    # The child arrives before its parent: the tree must not care.
    return [region, company], entries


def test_tree_nests_eps_projects_and_wbs(qtmodeltester: Any, project: ProjectData) -> None:
    model = ProjectTreeModel()
    eps, entries = _catalog(project)
    model.set_catalog(eps=eps, projects=entries, open_project=project)
    qtmodeltester.check(model, force_py=True)
    top = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert top == ["NW  Northwind Construction", "BLD-02  Warehouse"]
    region = model.index(0, 0, model.index(0, 0))
    office = model.index(0, 0, region)
    assert office.data(roles.NODE_KIND) == "project"
    assert office.data(roles.FONT).bold()  # the open project
    wbs = [model.index(r, 0, office).data() for r in range(model.rowCount(office))]
    assert wbs == ["1  Site Works", "2  Structure"]
    earthworks = model.index(0, 0, model.index(0, 0, office))
    assert earthworks.data() == "1.1  Earthworks"
    assert model.project_of(earthworks) == project.project.id
    warehouse = model.index(1, 0)
    assert model.rowCount(warehouse) == 0  # not open: its WBS is not loaded
