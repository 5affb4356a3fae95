"""Follow-up actions (TIPS): what a team decided, who owns it, when it is due, whether it was done as
planned and whether it worked. `queries` reads actions and their history, `writes` creates and updates
them without lost updates, `inputs` is the one typed input both the action form and `actions.csv`
pass through, `view` gathers what the Follow-up page shows and `export` builds the contract's
`actions` table."""
