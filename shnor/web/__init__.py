"""The upload page: municipalities hand in their monitoring forms and see at once what is wrong; region staff
see every municipality's status. A small FastAPI application over the pipeline's own checker
(``shnor.checker.check_file``), landing folder and published marts; its accounts and upload history live
in a SQLite database of its own under ``$SHNOR_HOME/web/`` (never in the warehouse).
"""
