"""Import templates: for each table, a CSV with its header and an Excel workbook whose first sheet
is the header (each header cell carries a note) and whose second sheet describes every column:
required or not, the values allowed, an example. Made from the table specs, so they never drift."""

from __future__ import annotations

import io

import pandas as pd

from data_access.imports.tables import TABLES, TableSpec


def describe_columns(table: str) -> pd.DataFrame:
    """One row per column of a table's import file, in the words a data manager reads."""
    spec = TABLES[table]
    return pd.DataFrame(
        [
            {
                "column": column.name,
                "required": "yes" if column.required else "no",
                "allowed values": column.allowed,
                "example": column.example,
                "what it is": column.description,
            }
            for column in spec.columns
        ],
        columns=["column", "required", "allowed values", "example", "what it is"],
    )


def template_csv(table: str) -> bytes:
    """The header row only: a template never brings made-up rows into a real import."""
    spec = TABLES[table]
    return (",".join(column.name for column in spec.columns) + "\n").encode("utf-8")


def template_xlsx(table: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    spec: TableSpec = TABLES[table]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table  # the first sheet is the one imported
    bold = Font(bold=True)
    for position, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.name)
        cell.font = bold
        if column.required:
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        note = (
            f"{'Required' if column.required else 'Optional'}. {column.description}\n"
            f"Allowed: {column.allowed}\nExample: {column.example}"
        )
        cell.comment = Comment(note, "MTSS dashboard", width=320, height=140)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 4)
    sheet.freeze_panes = "A2"

    about = workbook.create_sheet("About these columns")
    about.append([f"{table}: {spec.description}"])
    about["A1"].font = bold
    about.append(
        [
            "Fill in the first sheet, one row per record, and keep its header. The file's name "
            f"must be {table}.xlsx (or {table}.csv). Blue headers are required."
        ]
    )
    about.append([])
    description = describe_columns(table)
    about.append(list(description.columns))
    for cell in about[4]:
        cell.font = bold
    for row in description.itertuples(index=False):
        about.append(list(row))
    for letter, width in zip("ABCDE", (22, 10, 48, 26, 70), strict=True):
        about.column_dimensions[letter].width = width
    for row in about.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
