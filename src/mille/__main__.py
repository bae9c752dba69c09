from mille.cli import main

main()
