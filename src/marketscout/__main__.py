from marketscout.cli import main

main()
