"""The published site's pages that carry a feedback form, read as a build reads them.

`showcase feedback publish` publishes figures for these addresses only; the
command at the top (`showcase.cli`) hands this function to the feedback side,
so that ``feedback`` never imports ``generator``.
"""
from __future__ import annotations

from core.problems import Problems
from core.project import Project
from core.taxonomy import Taxonomy

from .load import load_catalogue
from .render_feedback import feedback_targets


def pages_with_forms(project: Project) -> tuple[list[str], Taxonomy, Problems]:
    """Each form's page address (as the form sends it), the taxonomy, and any problems found."""
    # The published site's pages, drafts in or out as `mkdocs build` decides.
    include_drafts = project.settings.shows_drafts(serving=False)
    catalogue, problems = load_catalogue(project, include_drafts=include_drafts, with_feedback=False)
    return list(feedback_targets(catalogue, project.directory_urls)), catalogue.taxonomy, problems
